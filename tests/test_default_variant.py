"""The default-variant rule on recorded measurements (2026-12-01, a 2-core machine shared
with other jobs: the times are noisy, the bytes exact). Native ORT, one thread, the maths the
wasm worker does; int8 and q4 from one run of scripts/bench_browser.py, fp16 from another,
fp32's step from verification (its start was not timed)."""

import pytest

from txbuild import default_variant

# GPT-2-small config (12 × 12 × 768), random weights: bytes, verification, max TV, native step
GPT2_SMALL = {
    "fp32": {"bytes": 497_831_033, "passed": True, "max_tv": 0.0, "step_ms": 222.7},
    "fp16": {"bytes": 249_199_909, "passed": True, "max_tv": 0.0002, "init_ms": 4234, "step_ms": 176.9},
    "int8": {"bytes": 124_863_216, "passed": True, "max_tv": 0.0114, "init_ms": 504, "step_ms": 51.0},
    # q4 folds its 4-bit weights to fp32 at start: a slow start, then fp32 steps
    "q4": {"bytes": 71_593_779, "passed": True, "max_tv": 0.0613, "init_ms": 5020, "step_ms": 114.8},
}
# the bundled 6 × 8 × 256 Shakespeare model: q4's rounding shows in its predictions
BUNDLED = {
    "fp32": {"bytes": 71_098_272, "passed": True, "max_tv": 0.0, "step_ms": 25.0},
    "fp16": {"bytes": 35_665_656, "passed": True, "max_tv": 0.0005, "step_ms": 30.4},
    "int8": {"bytes": 18_146_641, "passed": True, "max_tv": 0.0384, "step_ms": 11.0},
    "q4": {"bytes": 10_803_064, "passed": True, "max_tv": 0.2115, "step_ms": 10.2},
}


def test_gpt2_small_gets_a_quantized_default_not_fp16():
    assert default_variant.choose(GPT2_SMALL) in ("q4", "int8")


def test_gpt2_small_on_these_measurements_gets_int8():
    # q4 downloads 5.3 s faster at 10 MB/s but starts 4.5 s and steps 64 × 64 ms slower
    assert default_variant.choose(GPT2_SMALL) == "int8"


def test_gpt2_small_gets_q4_when_it_starts_and_steps_as_fast_as_int8():
    assert default_variant.choose({**GPT2_SMALL, "q4": {**GPT2_SMALL["q4"], "init_ms": 504, "step_ms": 51.0}}) == "q4"


def test_gpt2_small_gets_int8_when_q4_steps_are_much_slower():
    assert default_variant.choose({**GPT2_SMALL, "q4": {**GPT2_SMALL["q4"], "step_ms": 300}}) == "int8"


def test_a_variant_whose_rounding_shows_is_passed_over():
    assert default_variant.choose(BUNDLED) == "int8"


def test_a_failed_variant_is_never_the_default():
    measured = {
        **GPT2_SMALL,
        "int8": {**GPT2_SMALL["int8"], "passed": False},
        "q4": {**GPT2_SMALL["q4"], "passed": False},
    }
    assert default_variant.choose(measured) == "fp16"
    with pytest.raises(ValueError):
        default_variant.choose({p: {**m, "passed": False} for p, m in GPT2_SMALL.items()})


def test_without_a_variant_that_reads_the_same_the_fastest_passing_one_wins():
    assert default_variant.choose({"q4": BUNDLED["q4"]}) == "q4"
    assert default_variant.choose({"q4": BUNDLED["q4"], "fp32": {**BUNDLED["fp32"], "max_tv": 0.2}}) == "q4"
