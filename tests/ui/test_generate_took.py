"""The Generate panel's "N takes from M on cpu in ..." line: a fast model's time in milliseconds (it read
"in 0.0 s" for the VAE's 20 ms), a slow one's in seconds."""

from musicstudio.ui.generate.panel import took


def test_a_fast_generation_is_told_in_milliseconds():
    assert took(0.0204) == "20 ms"
    assert took(0.9994) == "999 ms"
    assert took(0.9996) == "1.0 s"


def test_a_slow_generation_is_told_in_seconds():
    assert took(1.0) == "1.0 s"
    assert took(12.34) == "12.3 s"
