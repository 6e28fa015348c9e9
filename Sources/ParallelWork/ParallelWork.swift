import Dispatch
import Foundation

private enum Either<A: Sendable, B: Sendable>: Sendable {
    case first(A)
    case second(B)
}

/// Runs independent pieces of work on a few threads and returns their results in job order, so the
/// outcome never depends on which thread ran what. Workers take the next job from a shared counter, so
/// one long job does not hold up the rest.
public enum ParallelWork {
    public static func map<Output: Sendable>(count: Int, threads: Int, _ work: @escaping @Sendable (Int) -> Output) -> [Output] {
        guard count > 0 else { return [] }
        let workers = max(1, min(threads, count))
        if workers == 1 { return (0..<count).map(work) }
        let board = Board<Output>(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let job = board.take() { board.put(work(job), at: job) }
        }
        return board.results()
    }

    /// Runs `first` and `second` side by side (one after the other with one thread).
    public static func both<A: Sendable, B: Sendable>(threads: Int, _ first: @escaping @Sendable () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
        let results = map(count: 2, threads: threads) { job -> Either<A, B> in job == 0 ? .first(first()) : .second(second()) }
        guard case .first(let a) = results[0], case .second(let b) = results[1] else { preconditionFailure("ParallelWork.both: results out of order") }
        return (a, b)
    }

    /// The shared counter and the results, under one lock.
    private final class Board<Output: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private var slots: [Output?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func take() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard next < slots.count else { return nil }
            next += 1
            return next - 1
        }

        func put(_ output: Output, at job: Int) {
            lock.lock()
            slots[job] = output
            lock.unlock()
        }

        func results() -> [Output] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}
