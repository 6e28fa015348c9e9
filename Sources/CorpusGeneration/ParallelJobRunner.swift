import Dispatch

/// Runs independent jobs on a few threads and returns their results in job order.
///
/// Workers take the next job number from a shared counter, so a slow job never holds up the rest;
/// results are stored by job number, so the outcome does not depend on which thread ran what. The
/// first error stops the hand-out of further jobs and is rethrown.
final class ParallelJobRunner<Output: Sendable>: @unchecked Sendable {
    private let lock = DispatchQueue(label: "spoor.corpus.jobs")
    private var nextJob = 0
    private var outputs: [Output?]
    private var firstError: CorpusError?
    private let jobCount: Int

    init(jobCount: Int) {
        self.jobCount = jobCount
        outputs = Array(repeating: nil, count: jobCount)
    }

    /// Runs `work(jobNumber)` for every job on `workerCount` threads.
    func run(workerCount: Int, _ work: @escaping @Sendable (Int) throws(CorpusError) -> Output) throws(CorpusError) -> [Output] {
        let workers = max(1, min(workerCount, jobCount))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let job = self.takeJob() {
                do throws(CorpusError) {
                    let output = try work(job)
                    self.lock.sync { self.outputs[job] = output }
                } catch {
                    self.lock.sync { if self.firstError == nil { self.firstError = error } }
                }
            }
        }
        if let firstError { throw firstError }
        return outputs.map { $0! }
    }

    private func takeJob() -> Int? {
        lock.sync {
            guard firstError == nil, nextJob < jobCount else { return nil }
            defer { nextJob += 1 }
            return nextJob
        }
    }
}
