#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| passerelle::fuzzing::inbox_json(data));
