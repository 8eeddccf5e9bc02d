"""Answer sets shared by tests of more than one stage (importable because tests/ holds the
root conftest.py, which pytest puts on sys.path)."""

#: Team building (c2) with no recognition at all: no one selected or speaking at provincial or
#: municipal level, no award. c2 then stays at 13, not above 13.6 (80% of 17), so only
#: recognition can close the gap.
NO_RECOGNITION_IN_C2 = {
    "s07_selected_provincial": 0, "s07_selected_municipal": 0, "s07_speakers_provincial": 0,
    "s07_speakers_municipal": 0, **{f"s08_{k}": 0 for k in (
        "ministry_unit_awards", "ministry_person_awards", "prov_team_first", "prov_team_second", "prov_team_third",
        "prov_person_first", "prov_person_second", "prov_person_third")},
}
