import ParallelWork
import DequeModule
import PatternMatching
import DetectionRules
import ExposureReport
import Foundation
import RecordParsing

/// Runs the correlations of a rule set over the events of their inputs, in time order, after the scan.
///
/// Contract (rule-format §3.7): windows slide and `timespan` is inclusive; `event_count`,
/// `value_count` and `value_sum` fire at the event that meets the condition and consume their events;
/// `first_seen` reports a tuple new to its group's baseline after the learning window; `output.suppress`
/// keeps a group's further firings within the period out of the findings (not out of the counts); `temporal`
/// needs every rule within the span, `temporal_ordered` in the given order, the whole chain within
/// the span; an event lacking a group-by field is left out, never grouped under null. Deterministic:
/// the same events give the same findings whatever the number of threads that matched them.
struct CorrelationEngine {
    /// Evidence lines kept per correlation finding: the first ones and the closing one.
    static let evidenceLimit = 20

    let rules: RuleSet
    /// Evidence paths by file index.
    let paths: [String]
    /// Threads for the correlations that can run side by side (the result does not depend on it).
    var threads = 1
    /// Where the events' lines are, when the scan spilled them (see ``EventLineSpill``).
    var lines: EventLineSpill?

    /// Findings of the reporting correlations, and the number of firings of every correlation.
    ///
    /// `events` (the base events, in any order) is used in place: their order times are set and the
    /// firings appended, so the events are never copied; orders are arrays of indexes.
    func run(events: inout [CorrelationEvent]) -> (findings: [Finding], firings: [Int]) {
        Self.placeInScanOrder(&events)
        // The order keys apart from the events (sorting compares these small values, never the events),
        // and each input's events in that order, so a correlation reads only its own inputs' events.
        var keys = events.indices.map { OrderKey(events[$0], index: $0) }
        var order = (0..<Int32(events.count)).map { $0 }
        keys.withUnsafeBufferPointer { keys in order.sort { keys[Int($0)] < keys[Int($1)] } }
        // Each base rule's events in order (the base events are all rules' matches; firings come later).
        var byRule = Array(repeating: [Int32](), count: rules.rules.count)
        for index in order {
            if case .rule(let rule) = events[Int(index)].input { byRule[rule].append(index) }
        }
        var outputs: [[Int32]] = []
        var findings: [Finding] = []
        var firings: [Int] = []
        // A correlation's events in order: its inputs' events (each list in order), merged.
        func selection(_ correlation: CorrelationRule) -> [Int32] {
            var inputs: [CorrelationRule.Input] = []
            for input in correlation.inputs where !inputs.contains(input) { inputs.append(input) }
            let lists = inputs.map { input in
                switch input {
                case .rule(let rule): byRule[rule]
                case .correlation(let other): outputs[other]
                }
            }
            return keys.withUnsafeBufferPointer { keys in Self.merged(lists, keys: keys) }
        }
        // Correlations that read base rules only do not depend on one another (nor on the firings'
        // places among the events): they run side by side first; the others run in rule order after
        // the correlations they read. Firings are appended in rule order either way.
        let independent = rules.correlations.indices.filter { index in
            rules.correlations[index].inputs.allSatisfy { if case .rule = $0 { true } else { false } }
        }
        var early: [Int: (fired: [CorrelationEvent], reported: [Bool])] = [:]
        if threads > 1 && independent.count > 1 {
            let orders = independent.map { selection(rules.correlations[$0]) }
            let results = ParallelWork.map(count: independent.count, threads: threads) { [self, events] job in
                evaluate(independent[job], events: events, order: orders[job])
            }
            for (job, index) in independent.enumerated() { early[index] = results[job] }
        }
        for (index, correlation) in rules.correlations.enumerated() {
            let (fired, reported) = early.removeValue(forKey: index) ?? evaluate(index, events: events, order: selection(correlation))
            var firedIndexes: [Int32] = []
            for event in fired {
                events.append(event)
                keys.append(OrderKey(event, index: events.count - 1))
                firedIndexes.append(Int32(events.count - 1))
            }
            // In order already (a firing is made at its closing event): sorted all the same, for the merge.
            keys.withUnsafeBufferPointer { keys in firedIndexes.sort { keys[Int($0)] < keys[Int($1)] } }
            outputs.append(firedIndexes)
            firings.append(fired.count)
            if correlation.emitsFindings {
                for (event, isReported) in zip(fired, reported) where isReported { findings.append(finding(of: event, correlation: correlation)) }
            }
        }
        return (findings, firings)
    }

    /// Lists of event indexes, each in order (by `keys`), merged into one in order: two by two, each
    /// step linear.
    static func merged(_ lists: [[Int32]], keys: UnsafeBufferPointer<OrderKey>) -> [Int32] {
        var lists = lists.filter { !$0.isEmpty }
        while lists.count > 1 {
            var next: [[Int32]] = []
            for pair in stride(from: 0, to: lists.count, by: 2) {
                guard pair + 1 < lists.count else { next.append(lists[pair]); break }
                let (a, b) = (lists[pair], lists[pair + 1])
                var merged: [Int32] = []
                merged.reserveCapacity(a.count + b.count)
                var (i, j) = (0, 0)
                while i < a.count && j < b.count {
                    if keys[Int(b[j])] < keys[Int(a[i])] { merged.append(b[j]); j += 1 } else { merged.append(a[i]); i += 1 }
                }
                merged += a[i...]
                merged += b[j...]
                next.append(merged)
            }
            lists = next
        }
        return lists.first ?? []
    }

    /// Runs correlation `index` over `order` (indexes into `events`): its firings and which are reported.
    private func evaluate(_ index: Int, events: [CorrelationEvent], order: [Int32]) -> (fired: [CorrelationEvent], reported: [Bool]) {
        let correlation = rules.correlations[index]
        return correlation.kind == .firstSeen
            ? evaluateFirstSeen(correlation, index: index, events: events, order: order)
            : evaluate(correlation, index: index, events: events, order: order)
    }

    /// An event's place in the correlations' order (what ``precedes(_:_:)`` compares), its index last
    /// so that equal places keep the events' own order.
    struct OrderKey: Comparable {
        var time: Int64
        var file: Int
        var line: Int
        var rank: Int
        var index: Int

        init(_ event: CorrelationEvent, index: Int) {
            time = event.orderTime
            file = event.fileIndex
            line = event.line
            rank = CorrelationEngine.rank(event.input)
            self.index = index
        }

        static func < (a: OrderKey, b: OrderKey) -> Bool {
            (a.time, a.file, a.line, a.rank, a.index) < (b.time, b.file, b.line, b.rank, b.index)
        }
    }

    /// Sets each event's order time. Within one file the lines' order is kept: a stamp earlier than
    /// the line before it (a clock step back, reordered writes) is read as that line's time, so a
    /// connection's lines stay in the order they were written; across files, time decides.
    static func placeInScanOrder(_ events: inout [CorrelationEvent]) {
        var keys = events.indices.map { (file: events[$0].fileIndex, line: events[$0].line, rank: rank(events[$0].input), index: $0) }
        // A scan's and a merge's events come in that order already: the sort is then skipped.
        let isInOrder = keys.indices.dropFirst().allSatisfy { (keys[$0 - 1].file, keys[$0 - 1].line, keys[$0 - 1].rank) <= (keys[$0].file, keys[$0].line, keys[$0].rank) }
        if !isInOrder { keys.sort { ($0.file, $0.line, $0.rank, $0.index) < ($1.file, $1.line, $1.rank, $1.index) } }
        var currentFile = -1
        var highWater = Int64.min
        for key in keys {
            if key.file != currentFile {
                currentFile = key.file
                highWater = .min
            }
            highWater = max(highWater, events[key.index].nanoseconds)
            events[key.index].orderTime = highWater
        }
    }

    /// Time, then evidence order; at the same line base events come before correlation firings (a
    /// firing follows the event that closed it), then by input.
    static func precedes(_ a: CorrelationEvent, _ b: CorrelationEvent) -> Bool {
        OrderKey(a, index: 0) < OrderKey(b, index: 0)
    }

    static func rank(_ input: CorrelationRule.Input) -> Int {
        switch input {
        case .rule(let index): return index
        case .correlation(let index): return 1 << 30 + index
        }
    }

    /// The group key from the event's fields named (its input's names for the group-by fields): one
    /// field's value as it is, several joined, each followed by U+001F. (Events are read through
    /// pointers here: see ``CorrelationEvent/value(of:at:)``.)
    private func groupKey(_ event: UnsafePointer<CorrelationEvent>, fields: [String]) -> String? {
        if fields.count == 1 { return CorrelationEvent.value(of: fields[0], at: event) }
        var key = ""
        for name in fields {
            guard let value = CorrelationEvent.value(of: name, at: event) else { return nil }
            key += value
            key += "\u{1F}"
        }
        return key
    }

    /// The group-by values of an event whose group key is not nil, by group-by name (for a firing).
    private func groupValues(_ event: UnsafePointer<CorrelationEvent>, _ correlation: CorrelationRule) -> [String: String] {
        guard let position = correlation.inputs.firstIndex(of: event.pointee.input) else { return [:] }
        var values: [String: String] = [:]
        for name in correlation.groupBy { values[name] = CorrelationEvent.value(of: correlation.field(for: name, input: position), at: event) }
        return values
    }

    /// Events between two sweeps of the groups no event has touched for longer than the timespan.
    static let sweepInterval = 4096

    /// `output.suppress`: per group, the time of the last reported firing; a firing of the same group
    /// within the period (inclusive) is kept as a firing (counted, read by outer correlations) but not
    /// reported.
    private struct Suppression {
        let period: Int64?
        var lastReported: [String: Int64] = [:]

        init(_ correlation: CorrelationRule) {
            period = correlation.suppressSeconds.map { $0 * 1_000_000_000 }
        }

        mutating func reports(_ key: String, at time: Int64) -> Bool {
            guard let period else { return true }
            if let last = lastReported[key], time - last <= period { return false }
            lastReported[key] = time
            return true
        }

        /// Forgets groups whose period has run out by `time`.
        mutating func sweep(at time: Int64) {
            guard let period, !lastReported.isEmpty else { return }
            lastReported = lastReported.filter { time - $0.value <= period }
        }
    }

    /// A `value_sum` value: the field read as a decimal number, nil when it is missing or not a number.
    private static func number(_ event: UnsafePointer<CorrelationEvent>, _ field: String) -> Double? {
        guard var text = CorrelationEvent.value(of: field, at: event) else { return nil }
        return text.withUTF8 { DecimalValue.parse($0) }
    }

    /// Runs `event_count`, `value_count`, `value_sum`, `temporal` and `temporal_ordered`: the firings,
    /// and for each whether it is reported (``Suppression``).
    ///
    /// `value_sum` sums `condition.field` over the window: an event whose field is missing or not a
    /// decimal number is left out (neither summed nor kept as evidence). The sum is a `Double`, exact for
    /// whole numbers up to 2^53; it restarts from zero whenever its window empties.
    private func evaluate(_ correlation: CorrelationRule, index: Int, events all: [CorrelationEvent], order: [Int32]) -> (fired: [CorrelationEvent], reported: [Bool]) {
        all.withUnsafeBufferPointer { all in evaluate(correlation, index: index, events: all, order: order) }
    }

    /// ``evaluate(_:index:events:order:)`` over the events in place: windows, chains and latest events
    /// hold event indexes, so no event is copied until a firing gathers its evidence.
    private func evaluate(_ correlation: CorrelationRule, index: Int, events all: UnsafeBufferPointer<CorrelationEvent>, order: [Int32]) -> (fired: [CorrelationEvent], reported: [Bool]) {
        let span = correlation.timespanSeconds * 1_000_000_000
        var fired: [CorrelationEvent] = []
        var reported: [Bool] = []
        var suppression = Suppression(correlation)
        /// One group's state: its window (event_count, value_count, value_sum), the latest event of each
        /// rule (temporal), or the partial chains (temporal_ordered); and when it last saw an event.
        struct Group {
            var window: Deque<Int32> = []
            var counts: [String: Int] = [:]
            var sum: Double = 0
            var latest: [Int: Int32] = [:]
            var partial: [Int: [Int32]] = [:]
            var lastSeen: Int64 = .min
        }
        // Each group's state lives in a slot, changed in place (no copy); its key names the slot. A
        // group quiet for longer than the timespan is dropped at the next sweep and its slot reused, so
        // memory follows the groups active within one timespan.
        var slots: [Group] = []
        var slotOfKey: [String: Int] = [:]
        var freeSlots: [Int] = []
        let needed = correlation.bounds.isEmpty ? [CorrelationRule.Bound(op: .gte, value: Set(correlation.inputs).count)] : correlation.bounds
        let stages = correlation.inputs.count
        // Events read through the pointer's address (`pointee`): a subscript of the buffer would copy
        // each one, retaining its buffers.
        let events = all.baseAddress!
        let gather = { (indexes: [Int32]) in indexes.map { events[Int($0)] } }
        // Each input's names for the group-by fields, looked up once.
        let groupFields = correlation.inputs.indices.map { position in correlation.groupBy.map { correlation.field(for: $0, input: position) } }
        for (position, eventIndex) in order.enumerated() {
            // Read in place (a copy would retain each of its fields).
            let event = events.advanced(by: Int(eventIndex))
            let now = event.pointee.orderTime
            if position > 0 && position % Self.sweepInterval == 0 {
                for (key, slot) in slotOfKey.filter({ now - slots[$0.value].lastSeen > span }) {
                    slotOfKey[key] = nil
                    slots[slot] = Group()
                    freeSlots.append(slot)
                }
                suppression.sweep(at: now)
            }
            guard let input = correlation.inputs.firstIndex(of: event.pointee.input),
                  let key = groupKey(event, fields: groupFields[input]) else { continue }
            let slot: Int
            if let existing = slotOfKey[key] {
                slot = existing
            } else {
                if let free = freeSlots.popLast() { slot = free } else { slot = slots.count; slots.append(Group()) }
                slotOfKey[key] = slot
            }
            slots[slot].lastSeen = now
            switch correlation.kind {
            case .eventCount, .valueCount:
                let value = correlation.valueField.flatMap { CorrelationEvent.value(of: $0, at: event) }
                if correlation.kind == .valueCount && value == nil { continue }
                // Slide: drop events older than the span before this one.
                while let first = slots[slot].window.first, now - events[Int(first)].orderTime > span {
                    if let old = correlation.valueField.flatMap({ CorrelationEvent.value(of: $0, at: events + Int(first)) }) {
                        slots[slot].counts[old, default: 1] -= 1
                        if slots[slot].counts[old] == 0 { slots[slot].counts[old] = nil }
                    }
                    slots[slot].window.removeFirst()
                }
                slots[slot].window.append(eventIndex)
                if let value { slots[slot].counts[value, default: 0] += 1 }
                let count = correlation.kind == .eventCount ? slots[slot].window.count : slots[slot].counts.count
                if correlation.bounds.allSatisfy({ $0.holds(count) }) {
                    var extra = groupValues(event, correlation)
                    extra[correlation.kind == .eventCount ? "event_count" : "value_count"] = String(count)
                    fired.append(firing(correlation, index: index, events: gather(Array(slots[slot].window)), extra: extra))
                    reported.append(suppression.reports(key, at: now))
                    slots[slot] = Group(lastSeen: now)
                }
            case .valueSum:
                guard let field = correlation.valueField, let value = Self.number(event, field) else { continue }
                while let first = slots[slot].window.first, now - events[Int(first)].orderTime > span {
                    slots[slot].sum -= Self.number(events + Int(first), field) ?? 0
                    slots[slot].window.removeFirst()
                }
                if slots[slot].window.isEmpty { slots[slot].sum = 0 }
                slots[slot].window.append(eventIndex)
                slots[slot].sum += value
                if correlation.bounds.allSatisfy({ $0.holds(slots[slot].sum) }) {
                    let sum = slots[slot].sum
                    var extra = groupValues(event, correlation)
                    extra["value_sum"] = sum == sum.rounded() && abs(sum) < 1e15 ? String(Int64(sum)) : String(sum)
                    fired.append(firing(correlation, index: index, events: gather(Array(slots[slot].window)), extra: extra))
                    reported.append(suppression.reports(key, at: now))
                    slots[slot] = Group(lastSeen: now)
                }
            case .temporal:
                guard let position = correlation.inputs.firstIndex(of: event.pointee.input) else { continue }
                if !slots[slot].latest.isEmpty { slots[slot].latest = slots[slot].latest.filter { now - events[Int($0.value)].orderTime <= span } }
                slots[slot].latest[position] = eventIndex
                if needed.allSatisfy({ $0.holds(slots[slot].latest.count) }) {
                    fired.append(firing(correlation, index: index, events: gather(Array(slots[slot].latest.values)).sorted(by: Self.precedes), extra: groupValues(event, correlation)))
                    reported.append(suppression.reports(key, at: now))
                    slots[slot] = Group(lastSeen: now)
                }
            case .temporalOrdered:
                // partial[k]: the chain that has matched the first k rules, the latest-starting one kept.
                if !slots[slot].partial.isEmpty {
                    slots[slot].partial = slots[slot].partial.filter { now - ($0.value.first.map { events[Int($0)].orderTime } ?? now) <= span }
                }
                // An input may stand at several positions: try the latest stage first so one event does
                // not both start and extend a chain.
                var completed: [Int32]?
                for position in (0..<stages).reversed() where correlation.inputs[position] == event.pointee.input {
                    if position == 0 {
                        if stages > 1 { slots[slot].partial[1] = [eventIndex] }
                    } else if let chain = slots[slot].partial[position] {
                        let extended = chain + [eventIndex]
                        if position + 1 == stages { completed = extended; break }
                        if let current = slots[slot].partial[position + 1], let start = current.first, events[Int(start)].orderTime > events[Int(chain[0])].orderTime { continue }
                        slots[slot].partial[position + 1] = extended
                    }
                }
                if let completed {
                    fired.append(firing(correlation, index: index, events: gather(completed), extra: groupValues(event, correlation)))
                    reported.append(suppression.reports(key, at: now))
                    slots[slot] = Group(lastSeen: now)
                }
            case .firstSeen:
                continue
            }
        }
        return (fired, reported)
    }

    /// Runs a `first_seen` correlation (rule-format §3.7): per group a baseline of the `fields` tuples
    /// seen. The learning window runs from the group's first event (or until `learning_until`), both
    /// inclusive; inside it tuples are learned and never reported. After it, the first occurrence of a
    /// tuple not in the baseline fires once, and the tuple joins the baseline. An event lacking a
    /// group-by field or one of `fields`, or matching `exclude`, is left out altogether (it neither
    /// starts a group's learning window nor enters the baseline).
    ///
    /// Memory: one entry per distinct (group, tuple) seen, kept to the end of the scan (a baseline is
    /// never swept); it grows with the number of distinct tuples, not with the number of events.
    private func evaluateFirstSeen(_ correlation: CorrelationRule, index: Int, events all: [CorrelationEvent], order: [Int32]) -> (fired: [CorrelationEvent], reported: [Bool]) {
        struct Baseline {
            var start: Int64
            var seen: Set<String> = []
        }
        var fired: [CorrelationEvent] = []
        var reported: [Bool] = []
        var suppression = Suppression(correlation)
        var baselines: [String: Baseline] = [:]
        let scratch = MatchScratch()
        let learning = (correlation.learningSeconds ?? 0) * 1_000_000_000
        // Each input's names for the group-by fields, looked up once.
        let groupFields = correlation.inputs.indices.map { position in correlation.groupBy.map { correlation.field(for: $0, input: position) } }
        all.withUnsafeBufferPointer { all in
            for (position, eventIndex) in order.enumerated() {
                // Read in place (a copy would retain its buffers).
                let event = all.baseAddress!.advanced(by: Int(eventIndex))
                let now = event.pointee.orderTime
                if position > 0 && position % Self.sweepInterval == 0 { suppression.sweep(at: now) }
                guard let input = correlation.inputs.firstIndex(of: event.pointee.input),
                      let key = groupKey(event, fields: groupFields[input]) else { continue }
                if !correlation.exclude.isEmpty {
                    let lookup = { (name: String) in CorrelationEvent.value(of: name, at: event) }
                    let isExcluded = correlation.exclude.contains { map in map.allSatisfy { $0.holds(CorrelationEvent.value(of: $0.field.text, at: event), scratch: scratch, value: lookup) } }
                    if isExcluded { continue }
                }
                // The tuple as one string (one field: its value, no copy).
                var tuple = ""
                var isComplete = true
                if correlation.fields.count == 1 {
                    guard let value = CorrelationEvent.value(of: correlation.fields[0], at: event) else { continue }
                    tuple = value
                } else {
                    for name in correlation.fields {
                        guard let value = CorrelationEvent.value(of: name, at: event) else { isComplete = false; break }
                        tuple += value
                        tuple += "\u{1F}"
                    }
                }
                guard isComplete else { continue }
                // The group's baseline changed in place (one lookup, no copy of its set).
                func learns(_ baseline: inout Baseline) -> Bool {
                    let isLearning = correlation.learningUntilNanoseconds.map { now <= $0 } ?? (now - baseline.start <= learning)
                    return baseline.seen.insert(tuple).inserted && !isLearning
                }
                if learns(&baselines[key, default: Baseline(start: now)]) {
                    fired.append(firing(correlation, index: index, events: [event.pointee], extra: groupValues(event, correlation)))
                    reported.append(suppression.reports(key, at: now))
                }
            }
        }
        return (fired, reported)
    }

    /// The event a firing makes: at the closing event, with the contributing events' fields (later
    /// ones win), the group-by values and counts, and their evidence.
    private func firing(_ correlation: CorrelationRule, index: Int, events: [CorrelationEvent], extra: [String: String]) -> CorrelationEvent {
        let closing = events[events.count - 1]
        var fields: [(String, String)] = []
        for event in events {
            for (name, value) in event.fields {
                if let existing = fields.firstIndex(where: { $0.0 == name }) { fields[existing].1 = value } else { fields.append((name, value)) }
            }
        }
        for (name, value) in extra.sorted(by: { $0.key < $1.key }) {
            if let existing = fields.firstIndex(where: { $0.0 == name }) { fields[existing].1 = value } else { fields.append((name, value)) }
        }
        // The closing event first (where the finding is), then the events behind it in time order, the
        // earliest ones when there are more than the limit.
        var evidence = closing.locations(paths: paths, lines: lines)
        for event in events.dropLast().prefix(Self.evidenceLimit - 1) { evidence += event.locations(paths: paths, lines: lines) }
        return CorrelationEvent(input: .correlation(index), nanoseconds: closing.nanoseconds, orderTime: closing.orderTime, fileIndex: closing.fileIndex, line: closing.line,
                                offset: closing.offset, fields: fields, text: nil,
                                isFromDamagedData: events.contains { $0.isFromDamagedData }, time: closing.time, evidence: evidence)
    }

    /// The report's finding for a firing.
    private func finding(of event: CorrelationEvent, correlation: CorrelationRule) -> Finding {
        var time = event.time
        time?.utc = UTCText.format(nanoseconds: event.nanoseconds)
        var fields: [String: String] = [:]
        let kept = correlation.outputEntities.map { Set($0 + correlation.groupBy + ["event_count", "value_count", "value_sum"]) }
        for (name, value) in event.fields where kept?.contains(name) ?? true { fields[name] = value }
        return Finding(rule: FindingRule(id: correlation.id, name: correlation.name, title: correlation.title, level: correlation.level.rawValue,
                                         tags: correlation.tags, author: correlation.author),
                       fields: fields, time: time, evidence: event.evidence, isFromDamagedData: event.isFromDamagedData ? true : nil)
    }
}
