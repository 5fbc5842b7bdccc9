// Shared checks of the fuzz targets (included with `include!`, each target is its own crate).

/// An importer error as the user sees it: one line, short (the data crate clips every cell it
/// echoes). Panics otherwise, which libFuzzer reports as a crash.
#[allow(dead_code)]
fn check_message(e: &dyn std::fmt::Display) {
    let m = e.to_string();
    assert!(!m.contains('\n') && !m.contains('\r'), "error message spans lines: {m:?}");
    assert!(m.chars().count() < 300, "error message of {} chars: {m:?}", m.chars().count());
}

/// A one-line error (no length bound: parsers outside the data crate).
#[allow(dead_code)]
fn check_one_line(e: &dyn std::fmt::Display) {
    let m = e.to_string();
    assert!(!m.contains('\n') && !m.contains('\r'), "error message spans lines: {m:?}");
}
