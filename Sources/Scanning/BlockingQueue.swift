import Foundation

/// A bounded first-in first-out queue for threads: `push` waits while full, `pop` waits while empty.
///
/// Popped elements are released at once (no array of spent slots keeps chunks alive). After
/// ``close()``, `pop` drains what is left and then returns nil; `push` after close is a no-op.
final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var storage: [Element?]
    private var head = 0
    private var count = 0
    private var isClosed = false

    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(capacity, 1))
    }

    func push(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        while count == storage.count && !isClosed { condition.wait() }
        guard !isClosed else { return }
        storage[(head + count) % storage.count] = element
        count += 1
        condition.broadcast()
    }

    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !isClosed { condition.wait() }
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        condition.broadcast()
        return element
    }

    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
