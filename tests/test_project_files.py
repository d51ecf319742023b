"""What an instructor needs to adopt the course: licences, citation, contributing guide, linked."""

import yaml
from conftest import ROOT


def test_licences_cover_text_and_code():
    licence = (ROOT / "LICENSE").read_text()
    assert "MIT License" in licence and "Permission is hereby granted, free of charge" in licence
    assert "CC BY 4.0" in licence and "LICENSE-CC-BY-4.0" in licence
    legal_code = (ROOT / "LICENSE-CC-BY-4.0").read_text()
    assert legal_code.startswith("Creative Commons Attribution 4.0 International Public License")
    assert "Section 8 -- Interpretation." in legal_code, "the CC BY 4.0 legal code is incomplete"


def test_citation_file_is_valid_cff():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    for key in ("cff-version", "message", "title", "authors"):
        assert citation.get(key), f"CITATION.cff lacks {key}"
    assert set(citation["license"]) == {"CC-BY-4.0", "MIT"}


def test_readme_links_them_and_starts_learners_with_setup():
    readme = (ROOT / "README.md").read_text()
    for target in ("LICENSE", "LICENSE-CC-BY-4.0", "CITATION.cff", "CONTRIBUTING.md"):
        assert f"]({target})" in readme, f"README does not link {target}"
    start = readme.index("## Start here")
    assert readme.index("make setup", start) < readme.index("make course"), "learners start with make setup"
    assert "make doctor" in readme[start : readme.index("## Lessons")]


def test_contributing_explains_claims_and_exercises():
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    for topic in ("## Propose a change to a lesson", "## Add a claim", "## Add an exercise", "stub:"):
        assert topic in contributing
