"""The one number style: every format the pages, tables and tooltips use."""

import math

import pytest

from scaffold import fmt


def test_num_separates_thousands_and_uses_a_true_minus():
    assert fmt.num(4417) == "4,417"
    assert fmt.num(50176.0) == "50,176"
    assert fmt.num(12345.6) == "12,346"
    assert fmt.num(-0.0397) == "−0.0397"
    assert fmt.num(-0.015) == "−0.0150"
    assert fmt.num(0.5) == "0.500"
    assert fmt.num(609.0999984741211) == "609"
    assert fmt.num(999.7) == "1,000"
    assert "-" not in fmt.num(-3.2)


def test_num_small_values_in_one_scientific_notation():
    assert fmt.num(9.766e-05) == "9.77 × 10⁻⁵"
    assert fmt.num(-0.0008789) == "−8.79 × 10⁻⁴"
    assert fmt.num(0.0) == "0"


def test_missing_values_print_as_a_dash():
    for v in (None, math.nan, float("nan")):
        for f in (fmt.num, fmt.int_, fmt.signed, fmt.factor, fmt.sci, fmt.pct):
            assert f(v) == fmt.DASH
    assert fmt.share(None, 4) == fmt.DASH


def test_pandas_and_numpy_values():
    np = pytest.importorskip("numpy")
    pd = pytest.importorskip("pandas")
    assert fmt.num(np.int64(4417)) == "4,417"
    assert fmt.num(np.float32(0.25)) == "0.250"
    assert fmt.num(pd.NA) == fmt.DASH
    assert fmt.num(True) == "yes"


def test_int():
    assert fmt.int_(4417) == "4,417"
    assert fmt.int_(4417.4) == "4,417"
    assert fmt.int_(-1200) == "−1,200"
    assert fmt.int_(math.inf) == "∞"


def test_signed_never_prints_a_signed_zero():
    assert fmt.signed(0.012) == "+0.012"
    assert fmt.signed(-0.004) == "−0.004"
    assert fmt.signed(0.0) == "0.000"
    assert fmt.signed(-0.0) == "0.000"
    assert fmt.signed(0.0004) == "+0.0004"      # more digits rather than +0.000
    assert fmt.signed(-0.00004) == "−0.00004"
    assert fmt.signed(1e-9) == "0.000"          # negligible: zero, unsigned
    assert fmt.signed(2.5, digits=1) == "+2.5"
    assert fmt.signed(1234.5, digits=1) == "+1,234.5"
    for x in (1e-4, -1e-5, 3e-7, -0.0):
        assert fmt.signed(x) not in ("+0.000", "−0.000")


def test_factor_uses_the_multiplication_sign():
    assert fmt.factor(4.93) == "4.9×"
    assert fmt.factor(17.9) == "18×"
    assert fmt.factor(17.9, digits=3) == "17.9×"
    assert fmt.factor(0.44) == "0.44×"
    assert fmt.factor(3.16) == "3.2×"
    assert fmt.factor(1500) == "1,500×"
    assert fmt.factor(99.7) == "100×"
    assert "x" not in fmt.factor(2.0)


def test_sci():
    assert fmt.sci(4.5e-11) == "4.5 × 10⁻¹¹"
    assert fmt.sci(6.42e-12, digits=3) == "6.42 × 10⁻¹²"
    assert fmt.sci(-3e5) == "−3.0 × 10⁵"
    assert fmt.sci(2.0) == "2.0"
    assert fmt.sci(0) == "0"


def test_share_is_always_k_of_n():
    assert fmt.share(10, 48) == "10 of 48"
    assert fmt.share(1024, 9660) == "1,024 of 9,660"
    assert fmt.share(48, 48) == "48 of 48"
    assert fmt.share(48.0, 48) == "48 of 48"
    assert [fmt.share(k, n, words=True) for k, n in ((48, 48), (0, 48), (2, 2), (0, 2), (3, 7))] \
        == ["all 48", "none of 48", "both", "neither", "3 of 7"]


def test_pct():
    assert fmt.pct(0.208) == "21%"
    assert fmt.pct(0.2083, digits=1) == "20.8%"
    assert fmt.pct(1.0) == "100%"
    assert fmt.pct(0.0) == "0%"
    assert fmt.pct(0.004) == "0.4%"      # rare is not none
    assert fmt.pct(0.998) == "99.8%"     # nearly all is not all
    assert fmt.pct(-0.25) == "−25%"


def test_listed_joins_words_as_a_sentence_lists_them():
    assert fmt.listed(["a", "b", "c"]) == "a, b and c"
    assert fmt.listed(["a", "b"]) == "a and b"
    assert fmt.listed(["a"]) == "a" and fmt.listed([]) == ""


def test_numpy_bools_read_yes_and_no():
    import numpy as np

    assert fmt.num(np.True_) == "yes" and fmt.num(np.False_) == "no"
    from scaffold.runtime import tables
    assert tables.number(np.bool_(True)) == "yes"


def test_a_count_stored_as_a_float_reads_whole():
    # counts in a column that also holds expected (fractional) counts are floats: 81.0 reads 81
    assert fmt.num(81.0) == "81" and fmt.num(51.3) == "51.3" and fmt.num(1.0) == "1.00"
    assert fmt.num(10.0) == "10" and fmt.num(9.0) == "9.00"  # below 10 the digits say the precision
