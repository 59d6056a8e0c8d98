//! A short deterministic run of the mutation fuzzer over the registry reader and the returned-
//! workbook reader (issue #9): no input may panic or take more than 1 GB of heap. The long run
//! is `cargo run --release --example fuzz_readers -- 1000000`.

#[path = "../examples/fuzz_readers.rs"]
mod fuzz_readers;

#[test]
fn thousands_of_mutated_inputs_never_panic_nor_balloon() {
    let dir = tempfile::tempdir().unwrap();
    // The counter counts: a known allocation shows in the peak.
    let probe = vec![1u8; 8 << 20];
    let out = fuzz_readers::run(3000, 1, dir.path());
    assert!(out.peak_heap >= probe.len(), "{} bytes", out.peak_heap);
    drop(probe);
    assert_eq!(out.executions, 3000);
    assert!(out.panics.is_empty(), "{:#?}", out.panics);
    assert!(
        out.peak_heap < fuzz_readers::HEAP_LIMIT,
        "{} bytes",
        out.peak_heap
    );
    // The run is not all rejections: many mutated inputs still read.
    assert!(out.accepted > 100, "{out:?}");
    // Our .xlsx reader gives calamine's rows wherever both read a mutated workbook.
    assert!(out.differences.is_empty(), "{:#?}", out.differences);
    assert!(out.both_read > 100, "{out:?}");
}
