"""The measure catalogue (``core/measures.py``): the one place that says what a measure means."""

import pytest

from openveiligheid.core.measures import CATALOGUE, is_additive, kind_of, label_for
from openveiligheid.imports.parsers.cbs import TOPIC_MEASURES


def test_every_prefix_the_cbs_parser_produces_is_in_the_catalogue():
    assert set(TOPIC_MEASURES.values()) <= set(CATALOGUE)


@pytest.mark.parametrize(
    ("measure", "additive"),
    [
        ("misdrijven:1.1.1", True),
        ("misdrijven", True),
        ("misdrijven_per_1000:1.1.1", False),
        ("diefstallen:CRI1122", True),
        ("diefstallen_per_1000:CRI1122", False),
        ("inwoners", True),
        ("incidenten:A72:opgehelderd", True),
        ("extern:halt-verwijzingen", False),
        # not in the catalogue: counts unless the prefix names a rate, share, average or mark
        ("halt", True),
        ("straatroof:2.5.2", True),
        ("overlast_pct", False),
        ("woninginbraak_per_10000", False),
        ("veiligheid_rapportcijfer", False),
    ],
    ids=lambda value: str(value),
)
def test_additive(measure, additive):
    assert is_additive(measure) is additive


@pytest.mark.parametrize(
    ("measure", "label"),
    [
        ("misdrijven:1.1.1", "Geregistreerde misdrijven: Diefstal/inbraak woning"),
        (
            "misdrijven_per_1000:1.1.1",
            "Geregistreerde misdrijven: Diefstal/inbraak woning per 1.000 inwoners "
            "(zoals CBS publiceert)",
        ),
        (
            "misdrijven:1.1.1:opgehelderd",
            "Geregistreerde misdrijven: Diefstal/inbraak woning, opgehelderd",
        ),
        ("inwoners", "Inwoners"),
        ("incidenten:A72", "Fietsdiefstallen (politie-incidenten A72)"),
        ("incidenten:A72:opgehelderd", "Fietsdiefstallen (politie-incidenten A72), opgehelderd"),
        # no label of their own: the pages show the name
        ("misdrijven", ""),
        ("misdrijven:9.9.9", ""),
        ("diefstallen:CRI1134", ""),  # a theft type whose meaning is not known
        ("extern:halt", ""),
    ],
    ids=lambda value: str(value),
)
def test_label(measure, label):
    assert label_for(measure) == label


def test_kind_of_a_measure_is_its_prefix():
    kind = kind_of("incidenten:A72:opgehelderd")
    assert (kind.prefix, kind.unit, kind.sensitive) == ("incidenten", "aantal", True)
    assert kind_of("misdrijven_per_1000:0.0.0").unit == "per 1.000 inwoners"
    assert kind_of("halt") is None


def test_theft_types_have_dutch_labels() -> None:
    assert label_for("diefstallen:CRI1122") == "Geregistreerde diefstallen: Fietsdiefstal"
    assert label_for("diefstallen_per_1000:CRI1137").startswith(
        "Geregistreerde diefstallen: Winkeldiefstal per 1.000"
    )
    assert label_for("diefstallen:CRI1134") == ""  # meaning unknown: the name is shown


def test_the_catalogue_says_which_way_a_measure_improves():
    from openveiligheid.core.measures import better_direction

    assert better_direction("misdrijven:1.1.1") == "lager"
    assert better_direction("overlast:E33") == "lager"
    assert better_direction("incidenten:A72:opgehelderd") == "hoger"  # more cleared is better
    assert better_direction("inwoners") == ""  # neither
    assert better_direction("register:woonoverlast:geregistreerd") == ""
    assert better_direction("onbekend:iets") == ""
