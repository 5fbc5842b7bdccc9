//! Runtime CPU dispatch of the batch kernels: the build targets the portable baseline (SSE2 on
//! x86-64) and the AVX2+FMA and AVX-512 paths are chosen at run time, without `unsafe` in this
//! crate.
//!
//! The kernels are written once, as branch-free loops over chunks of options, generic over a
//! multiply-add rule (fused or not), and compiled three times:
//! - [`SimdLevel::Baseline`]: the build's own target (SSE2, two lanes), `a·b + c` rounded twice;
//! - [`SimdLevel::Avx2Fma`]: inside pulp's `V3::vectorize` (the function is compiled with
//!   `avx2,fma,…` enabled, four lanes), `a·b + c` fused;
//! - [`SimdLevel::Avx512`]: inside pulp's `V4::vectorize` (`avx512f,dq,vl,…`, eight lanes), fused.
//!
//! pulp's tokens (`V3::try_new()`, `V4::try_new()`) exist only when the CPU has the features, and
//! their `vectorize` is the safe entry into the feature-enabled code; this is exactly what
//! `pulp::Arch::new().dispatch(op)` does with a `WithSimd` op, spelled out so that each level can
//! also be forced (the tests run every level the machine has) and so that the fused rule goes
//! with the levels that have FMA.
//!
//! # Identical results?
//! Every operation of the kernels is lane-wise and correctly rounded (add, multiply, divide,
//! square root, fused multiply-add, bit operations), so the two FMA levels give the same bits
//! (compared where a CPU has both), and the baseline gives the same bits on every CPU. The
//! baseline and the FMA levels differ by the rounding of the fused steps: a few ulp, amplified
//! up to 32× where the price's two terms cancel (the fast path keeps up to 5 bits of
//! cancellation) — 2.5e-14 relative at worst on the test grid, and within 1e-13 of each other and
//! of the scalar functions on every level the machine supports (property-tested). The
//! implied-volatility batch (lane-parallel Householder steps, the scalar solver for the lanes it
//! leaves) follows the same rule: identical bits at the two FMA levels, the baseline within
//! rounding of them (3.5e-15 relative at worst on the test grid where the volatility is well
//! determined), and every level within 1e-12 of the scalar solver there.

/// An instruction-set level of the batch kernels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SimdLevel {
    /// The portable build's own instructions (SSE2 on x86-64), unfused arithmetic.
    Baseline,
    /// AVX2 with fused multiply-add (x86-64-v3), four lanes of `f64`.
    Avx2Fma,
    /// AVX-512 F/DQ/VL/BW/CD (x86-64-v4), eight lanes of `f64`, fused multiply-add.
    Avx512,
}

impl SimdLevel {
    /// Every level, from the most portable.
    pub const ALL: [SimdLevel; 3] = [Self::Baseline, Self::Avx2Fma, Self::Avx512];

    /// The best level this CPU supports (the one the batch functions use).
    pub fn detected() -> Self {
        if Self::Avx512.is_available() {
            Self::Avx512
        } else if Self::Avx2Fma.is_available() {
            Self::Avx2Fma
        } else {
            Self::Baseline
        }
    }

    /// Whether this CPU can run the level (detected once, then cached by pulp).
    pub fn is_available(self) -> bool {
        match self {
            Self::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Self::Avx2Fma => pulp::x86::V3::is_available(),
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => pulp::x86::V4::is_available(),
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
    }

    /// The levels this CPU supports, from the most portable.
    pub fn available() -> Vec<Self> {
        Self::ALL.into_iter().filter(|l| l.is_available()).collect()
    }

    /// `"baseline"`, `"avx2+fma"` or `"avx512"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Baseline => "baseline",
            Self::Avx2Fma => "avx2+fma",
            Self::Avx512 => "avx512",
        }
    }

    /// Runs `kernel` compiled for this level; `None` when the CPU lacks it.
    #[inline]
    pub(crate) fn run<K: Kernel>(self, kernel: K) -> Option<K::Output> {
        match self {
            Self::Baseline => Some(kernel.run::<Unfused>()),
            #[cfg(target_arch = "x86_64")]
            Self::Avx2Fma => {
                pulp::x86::V3::try_new().map(|simd| simd.vectorize(|| kernel.run::<Fused>()))
            }
            #[cfg(target_arch = "x86_64")]
            Self::Avx512 => {
                pulp::x86::V4::try_new().map(|simd| simd.vectorize(|| kernel.run::<Fused>()))
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => None,
        }
    }
}

impl std::fmt::Display for SimdLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How `a·b + c` is evaluated by a kernel.
pub(crate) trait MulAdd {
    /// `a·b + c`.
    fn mul_add(a: f64, b: f64, c: f64) -> f64;
}

/// Two roundings: what the baseline target computes without an FMA instruction.
pub(crate) struct Unfused;
impl MulAdd for Unfused {
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a * b + c
    }
}

/// One rounding (`f64::mul_add`): a single instruction where FMA is enabled. Only used inside
/// the FMA levels; on the baseline it would be a library call.
pub(crate) struct Fused;
impl MulAdd for Fused {
    #[inline(always)]
    fn mul_add(a: f64, b: f64, c: f64) -> f64 {
        a.mul_add(b, c)
    }
}

/// A batch kernel generic over the multiply-add rule (compiled once per level by
/// [`SimdLevel::run`]; it must be `#[inline(always)]` down to its loops for the level's
/// instructions to apply).
pub(crate) trait Kernel {
    /// What the kernel returns.
    type Output;
    /// Runs the kernel.
    fn run<M: MulAdd>(self) -> Self::Output;
}

#[cfg(test)]
mod tests {
    use super::*;

    struct OneMulAdd(f64, f64, f64);
    impl Kernel for OneMulAdd {
        type Output = f64;
        #[inline(always)]
        fn run<M: MulAdd>(self) -> f64 {
            M::mul_add(self.0, self.1, self.2)
        }
    }

    #[test]
    fn levels_run_when_available_and_refuse_otherwise() {
        assert!(SimdLevel::Baseline.is_available());
        assert!(SimdLevel::available().contains(&SimdLevel::detected()));
        // 0.1 is stored as 0.1 + 5.55e-18, so 0.1·10 − 1 is 5.55e-17 exactly; rounding the
        // product first gives 0.
        let unfused = SimdLevel::Baseline.run(OneMulAdd(0.1, 10.0, -1.0));
        assert_eq!(unfused, Some(0.0));
        for level in [SimdLevel::Avx2Fma, SimdLevel::Avx512] {
            let got = level.run(OneMulAdd(0.1, 10.0, -1.0));
            if level.is_available() {
                assert_eq!(got, Some(0.1f64.mul_add(10.0, -1.0)), "{level}");
                assert!(got.is_some_and(|v| v > 5e-17), "{level}: {got:?}");
            } else {
                assert_eq!(got, None, "{level}");
            }
        }
    }
}
