import Foundation

/// Which rules have already filled their findings cap, as the in-order merger sees it.
///
/// Workers read it once per chunk and skip building findings for those rules: such findings would be
/// dropped by the merger anyway, since every chunk still to merge comes later in evidence order. The
/// merger alone decides what is kept, so output does not depend on timing; this only saves work.
final class FindingsCapBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var isFull: [Bool]

    init(ruleCount: Int) {
        isFull = Array(repeating: false, count: ruleCount)
    }

    func markFull(_ ruleIndex: Int) {
        lock.lock()
        isFull[ruleIndex] = true
        lock.unlock()
    }

    /// A copy of the flags, taken under the lock.
    func snapshot(into flags: inout [Bool]) {
        lock.lock()
        flags = isFull
        lock.unlock()
    }
}
