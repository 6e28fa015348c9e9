import FuzzSupport
import ZlibCodec

/// The streaming gzip decoder. The first two input bytes seed the sizes of the input pieces (1…64
/// bytes, widened when the decoder asks for more) and of the output buffer (1…4096 bytes); the rest
/// is the stored data, decoded twice: in those pieces, and in one piece with a 1 MiB output buffer.
///
/// Checks: each step consumes no more than it was given and produces no more than fits; the
/// decoder's byte counters match the steps'; a call with nothing consumed and nothing produced only
/// happens when more input is needed; the two decodings agree (same bytes, members and trailing
/// garbage when both succeed; when one fails, what each handed out is a prefix of the other's).
struct Decoding {
    var output: [UInt8] = []
    var error: GzipError?
    var members = 0
    var garbage = 0
}

func decode(_ input: UnsafeBufferPointer<UInt8>, pieces: inout UInt64, outputSize: Int, piecewise: Bool) -> Decoding {
    var result = Decoding()
    let decoder: GzipDecoder
    do { decoder = try GzipDecoder() } catch {
        fuzzCheck(false, "zlib init failed: \(error)")
        return result
    }
    var buffer = [UInt8](repeating: 0, count: outputSize)
    var position = 0
    var width = 0
    var consumedTotal = 0
    var producedTotal = 0
    func nextWidth() -> Int {
        guard piecewise else { return input.count }
        pieces = pieces &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(pieces >> 58) + 1
    }
    width = nextWidth()
    do throws(GzipError) {
        var steps = 0
        while position < input.count {
            steps += 1
            fuzzCheck(steps < 10_000_000, "the decoder does not progress")
            let end = min(position + width, input.count)
            let slice = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[position..<end])
            let attempt: Result<GzipDecodeStep, GzipError> = buffer.withUnsafeMutableBytes { out in
                do throws(GzipError) { return .success(try decoder.decode(slice, into: out)) } catch { return .failure(error) }
            }
            let step = try attempt.get()
            fuzzCheck(step.consumed >= 0 && step.consumed <= slice.count, "consumed \(step.consumed) of \(slice.count)")
            fuzzCheck(step.produced >= 0 && step.produced <= buffer.count, "produced \(step.produced) into \(buffer.count)")
            result.output.append(contentsOf: buffer[0..<step.produced])
            consumedTotal += step.consumed
            producedTotal += step.produced
            position += step.consumed
            if result.output.count > 64 << 20 { return result }   // a bomb: enough compared
            if step.consumed == 0 && step.produced == 0 && !step.isFinished {
                // The decoder needs more than `width` bytes (a member boundary split): widen, or stop at the end.
                if end == input.count { break }
                width += 1
            } else {
                width = nextWidth()
            }
        }
        try decoder.finish(unconsumedBytes: input.count - position)
        fuzzCheck(decoder.consumedBytes == input.count, "consumedBytes \(decoder.consumedBytes) after finishing \(input.count) bytes")
    } catch {
        result.error = error
    }
    fuzzCheck(decoder.producedBytes == producedTotal, "producedBytes \(decoder.producedBytes), steps produced \(producedTotal)")
    fuzzCheck(decoder.consumedBytes >= consumedTotal, "consumedBytes \(decoder.consumedBytes) below the steps' \(consumedTotal)")
    result.members = decoder.membersCompleted
    result.garbage = decoder.trailingGarbageBytes
    return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    guard size >= 2 else { return 0 }
    var seed = UInt64(data[0]) << 8 | UInt64(data[1])
    let outputSize = Int(data[1]) * 16 + 1
    let input = UnsafeBufferPointer(start: data + 2, count: size - 2)
    let pieces = decode(input, pieces: &seed, outputSize: outputSize, piecewise: true)
    var unused: UInt64 = 0
    let whole = decode(input, pieces: &unused, outputSize: 1 << 20, piecewise: false)
    let shorter = min(pieces.output.count, whole.output.count)
    fuzzCheck(pieces.output[0..<shorter] == whole.output[0..<shorter], "piecewise and whole decodings differ within their first \(shorter) bytes")
    if pieces.error == nil && whole.error == nil && pieces.output.count <= 64 << 20 && whole.output.count <= 64 << 20 {
        fuzzCheck(pieces.output.count == whole.output.count, "piecewise gave \(pieces.output.count) bytes, whole \(whole.output.count)")
        fuzzCheck(pieces.members == whole.members, "piecewise saw \(pieces.members) members, whole \(whole.members)")
        fuzzCheck(pieces.garbage == whole.garbage, "piecewise saw \(pieces.garbage) garbage bytes, whole \(whole.garbage)")
    }
    return 0
}

/// The program's entry (see `runFuzzer`): libFuzzer's driver over ``fuzz(_:_:)``.
@_cdecl("FuzzGzip_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzz)
}
