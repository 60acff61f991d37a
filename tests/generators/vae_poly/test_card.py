"""The polyphonic VAE's card (card.py): what it says of issue 23's targets when the app decodes moved codes, and
the paragraphs written by hand below its marker, kept when the card is written again."""

from musicstudio.generators.vae_poly import card


def test_the_targets_line_says_the_app_codes_figures_apart_from_the_encoders_mean():
    report = {"reconstruction_2_bars": 0.66, "reconstruction_4_bars": 0.66, "reconstruction_2_bars_refined": 0.88,
              "reconstruction_4_bars_refined": 0.87, "prior_overlap_greedy": 0.82, "prior_overlap_sampled": 0.82,
              "slider_rho_note_density": 1.0, "slider_rho_polyphony": 1.0}
    line = card.targets_line(report)
    assert "from the codes the app decodes" in line and "all met." in line
    assert ("From the encoder's mean alone: reconstruction_2_bars 0.66 < 0.85; reconstruction_4_bars 0.66 < 0.75."
            in line)
    report["reconstruction_2_bars_refined"] = 0.8
    assert "not met: reconstruction_2_bars_refined 0.8 < 0.85." in card.targets_line(report)
    plain = {k: v for k, v in report.items() if not k.endswith("_refined")}
    assert card.targets_line(plain).startswith("Issue 23's targets not met: reconstruction_2_bars 0.66 < 0.85")


def test_what_follows_the_marker_is_kept(tmp_path):
    assert card.kept_part(tmp_path / "card.md") == ""
    (tmp_path / "card.md").write_text("# old\n\nwritten by card.py\n\n" + card.KEPT + "\n\nBy hand.\n", "utf-8")
    assert card.kept_part(tmp_path / "card.md") == card.KEPT + "\n\nBy hand.\n"
    (tmp_path / "card.md").write_text("# old, no marker\n", "utf-8")
    assert card.kept_part(tmp_path / "card.md") == ""
