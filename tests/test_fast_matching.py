"""The shortcuts answer as the plain scans did: the closest header spelling compared among
those of a near length only, the keyword spellings among those of the header's own words
only, the list separators of a text without parentheses found by the regex engine, a summary
cell's marker read with the cheap test first."""

from __future__ import annotations

import random
import re
from pathlib import Path

from rapidfuzz import fuzz, process

from pgt.extract import read_document
from pgt.extract.rows import Provenance, SourceRow
from pgt.normalize import fields
from pgt.settings import headings as pat
from pgt.settings import text as text_module
from pgt.settings.headers import (_header_cell_field, record_vocabulary,
                                  header_matcher)
from pgt.settings.headings import is_heading_form
from pgt.settings.profile import default_profile
from pgt.settings.text import fold, strip_accents
from pgt.structure.priorisation import _marker_kind, split_marker_cell



def garbled(spelling: str, rng: random.Random) -> str:
    letters = list(spelling)
    for _ in range(rng.randint(0, 6)):
        at = rng.randrange(len(letters) + 1)
        operation = rng.randrange(3)
        if operation == 0 and at < len(letters):
            del letters[at]
        elif operation == 1:
            letters.insert(at, rng.choice("AEIOURST "))
        elif at < len(letters):
            letters[at] = rng.choice("AEIOURST")
    return "".join(letters)


def texts(spellings: list[str]) -> list[str]:
    rng = random.Random(15)
    found = [garbled(s, rng) for s in spellings for _ in range(4)]
    return found + ["", "A", "ACTION", "PORTEUR DE L ACTION ET PARTENAIRES ASSOCIES AU PROJET", "X" * 90]


def test_closest_spelling_is_the_one_of_the_full_scan():
    choices = record_vocabulary().spellings
    spellings = choices.spellings
    for text in texts(spellings):
        best = process.extractOne(text, spellings, scorer=fuzz.ratio)
        for cutoff in (0.0, 50.0, 80.0, 85.5, 100.0):
            expected = None if best is None or best[1] < cutoff else (float(best[1]), best[2])
            assert choices.closest(text, cutoff) == expected, (text, cutoff)


def test_keyword_spelling_is_the_longest_one_the_header_holds():
    matcher = header_matcher()
    by_length = sorted(matcher.spellings, key=lambda p: -len(p[0]))
    spellings = [s for s, _ in matcher.spellings]
    for text in texts(spellings) + [f"LE {s} DU PLAN" for s in spellings]:
        if not fold(text) or len(fold(text)) > matcher.profile.thresholds.header_max_length:
            continue  # too long to be a header: not compared at all
        padded = f" {fold(text)} "
        expected = next((field for spelling, field in by_length if f" {spelling} " in padded), None)
        match = matcher.match(text)
        if match is None or match.rule != "keyword":
            assert expected is None, text
        else:
            assert match.field == expected, text


def split_by_walking(text: str, separators) -> list[str]:  # noqa: ANN001 - a compiled pattern
    """The reference: a separator tried at each character outside parentheses."""
    pieces, depth, start, position = [], 0, 0, 0
    while position < len(text):
        depth = depth + 1 if text[position] == "(" else max(0, depth - 1) if text[position] == ")" else depth
        if depth == 0:
            found = separators.match(text, position)
            if found and found.end() > position:
                pieces.append(text[start:position])
                start = position = found.end()
                continue
        position += 1
    pieces.append(text[start:])
    return pieces


def test_list_separators_found_as_the_character_walk_finds_them():
    rng = random.Random(15)
    pieces = ["CAF", " – ", "-", " - ", ",", ";", " + ", " / ", "/", "AB", "cd", " ", "MSA", ". ", "Taux", "É", ")",
              "(", "—", "\n"]
    for separators in (fields._PARTENAIRE_SEPARATORS, fields._INDICATEUR_SEPARATORS):
        for _ in range(3000):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
            assert fields._split_outside_parentheses(text, separators) == split_by_walking(text, separators), text


def _marker_kind_as_first_written(text: str) -> str | None:
    if pat.match_oi_cell(text):
        return "oi"
    if pat.split_three_digit_oo(text) and text.lstrip()[:3].isdigit():
        return "oo_three_digits"
    if pat.match_oo_cell(text):
        return "oo"
    if pat.starts_with_fiche(text):
        return "fiche"
    return None


def test_marker_kind_with_the_digits_first_answers_as_first_written():
    """The three-digit check before the split: the same marker for every rest of every cell
    of raw/'s summary document (as split_marker_cell asks), and for made-up OO cells."""
    rows = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-priorisation.txt").rows
    texts = [cell for row in rows for cell in row.cells if cell.strip()]
    texts += ["001 : Développer 002 : Créer", "  002 : x\n003 : y", "000 : rien", "12 ans", "123", "OO 2 : a 004 : b",
              "OI 1 001 : a", "Fiche 3 : 001 : a"]
    rests = [text[m.start():] for text in texts for m in re.finditer(r"(?<=\s)\S", text)]
    assert len(rests) > 1000
    for text in texts + rests:
        assert _marker_kind(text) == _marker_kind_as_first_written(text), text



class _EveryName(dict):
    """Every known name for any first token: split_run_together then scans them all, as first written."""

    def get(self, key, default=None):  # noqa: ANN001, ANN201, ARG002
        return fields._known_partenaires()


def test_partner_runs_cut_by_names_of_the_same_first_token_as_by_the_full_scan(monkeypatch):
    """raw/'s cells and made-up runs of known names are cut at the same places whether the
    names are looked up by their first token or all scanned at every token."""
    names = fields._known_partenaires()
    assert sum(len(v) for v in fields._partenaires_by_first_token().values()) == len(names)
    rng = random.Random(15)
    rows = [row for name in ("pgt-fiches-actions.txt", "pgt-priorisation.txt")
            for row in read_document(Path(__file__).resolve().parent.parent / "raw" / name).rows]
    texts = [cell for row in rows for cell in row.cells if cell.strip()]
    spelled = [" ".join(n).title() for n in names] + [" ".join(n) for n in names]
    texts += [" ".join(rng.choices(spelled + ["Mairie", "de", "CAF", "et"], k=rng.randint(1, 6))) for _ in range(300)]
    fast = [fields.split_partenaires(text) for text in texts]
    assert sum(len(pieces) > 1 for pieces in fast) > 100
    monkeypatch.setattr(fields, "_partenaires_by_first_token", lambda extra=(): _EveryName())
    assert fast == [fields.split_partenaires(text) for text in texts]


def _fold_by_steps(text: str) -> str:
    """fold as first written: accents stripped, then punctuation to spaces, upper case, spaces folded."""
    return " ".join(re.sub(r"[^A-Za-z0-9]+", " ", strip_accents(text)).upper().split())


def test_fold_by_one_translate_answers_as_the_accent_strip_then_regex():
    # every character of the planes a plan's text comes from, alone, between letters and
    # after a letter that takes its accents (combining marks reordered by NFKD are dropped)
    uncached = fold.__wrapped__  # (the loop would only churn the cache)
    for code in range(0x30000):
        if 0xD800 <= code < 0xE000:
            continue
        for text in (f"a{chr(code)}b", f"e{chr(code)}\u0301 x"):
            assert uncached(text) == _fold_by_steps(text), hex(code)
    for text in ("Échéances de réalisation :", "Cœur de ville – ŒUVRES", "l’accueil", "Ǆemal ﬁn ²", "  ", ""):
        assert fold(text) == _fold_by_steps(text)


def _split_marker_cell_as_first_written(text: str) -> list[str]:
    if _marker_kind(text) is None:
        return [text]
    starts = [0]
    after_marker = True
    for found in re.finditer(r"(?<=\s)\S", text):
        kind = None if after_marker else _marker_kind(text[found.start():])
        if kind is not None:
            starts.append(found.start())
        after_marker = kind in ("oi", "oo", "fiche")
    if len(starts) == 1:
        return [text]
    parts: list[str] = []
    previous_kind = None
    for start, end in zip(starts, starts[1:] + [len(text)]):
        piece = text[start:end].strip()
        kind = _marker_kind(piece)
        if kind == "oo_three_digits" and previous_kind == kind:
            parts[-1] = f"{parts[-1]}\n{piece}"
        else:
            parts.append(piece)
        previous_kind = kind
    return parts


def test_split_marker_cell_asking_only_words_that_may_lead_a_marker_splits_as_first_written():
    """Words led by neither `O`, `F` nor a digit are no marker: the same parts for every cell
    of raw/'s summary, made-up cells of several markers, and every one-character lead."""
    rows = read_document(Path(__file__).resolve().parent.parent / "raw" / "pgt-priorisation.txt").rows
    texts = [cell for row in rows for cell in row.cells if cell.strip()]
    texts += ["Fiche 8 : a Fiche 9 : b", "OO 4 : a fiche 34 : b", "OI 2 a OO 1 : b", "001 : a 002 : b OO 3 c",
              "Fiche 3 : a ٣ OO 2 : b", "oi 1 x oo 2 y", "Fiche 12 : a\n(OO 1) 3 OO 2 : b"]
    texts += [f"Fiche 1 : a {chr(code)}I 2 b {chr(code)}O 3 : c" for code in range(0x20, 0x3000)]
    for text in texts:
        assert split_marker_cell(text) == _split_marker_cell_as_first_written(text), text


def test_clipped_header_found_by_bisection_as_by_the_scan_of_every_spelling():
    """A repeated header row clipped by the page (`exemple d'offres existantes ou`): led by a
    spelling, or the first three words or more of one — the same answer as the scan."""
    matcher = header_matcher()
    spellings = sorted(matcher.known)
    clipped = [" ".join(s.split()[:n]) for s in spellings for n in range(1, len(s.split()) + 1)]
    samples = clipped + [garbled(c, random.Random(len(c))) for c in clipped] + texts(spellings)
    for text in samples + [t.lower() for t in samples]:
        folded = fold(text)
        scanned = folded.startswith(matcher.known_tuple) or (
            len(folded.split()) >= 3 and any(s.startswith(folded + " ") for s in matcher.known))
        assert matcher.starts_with_spelling(text) == scanned, text


def test_keyword_headers_skipped_for_cells_without_a_keyword_word_answer_as_all_keywords_run():
    """Every keyword pattern needs one of the vocabulary's `keyword_words`: over the
    vocabulary's spellings, their garbled forms, its keywords and every cell of raw/, no
    cell a pattern matches lacks them all."""
    raw = Path(__file__).resolve().parent.parent / "raw"
    cells = [cell for name in ("pgt-fiches-actions.txt", "pgt-priorisation.txt")
             for row in read_document(raw / name).rows for cell in row.cells if cell.strip()]
    vocabulary = record_vocabulary()
    keywords = [entry.strip("^$") for entries in default_profile().records.keywords.values() for entry in entries]
    for text in texts(vocabulary.spellings.spellings) + cells + keywords:
        folded = fold(text)
        if any(pattern.search(folded) for pattern, _ in vocabulary.keywords):
            assert any(word in folded for word in vocabulary.keyword_words), text


def test_dictionary_file_inflated_by_zlib_as_by_gzip():
    """The French dictionary inflated in one zlib call: gzip.decompress's bytes, also for a
    file of several members or none."""
    import gzip

    from pgt.settings.dictionary import _gunzip

    for data in (gzip.compress(b'{\n"maison": 1\n}'), gzip.compress(b"abc") + gzip.compress(b"def"),
                 gzip.compress(b"")):
        assert _gunzip(data) == gzip.decompress(data)


def test_content_patterns_led_by_their_first_characters_match_as_the_patterns():
    """cell_type's searches led by the characters their words start with find a match in
    the same cells: every cell of raw/, and each pattern's words in every case, alone or in
    a sentence."""
    from pgt.structure import realign

    raw = Path(__file__).resolve().parent.parent / "raw"
    cells = [cell for name in ("pgt-fiches-actions.txt", "pgt-priorisation.txt")
             for row in read_document(raw / name).rows for cell in row.cells if cell.strip()]
    pairs = [(realign._FINANCIAL, realign._FINANCIAL_LEADS), (realign._PERIOD, realign._PERIOD_LEADS),
             (realign._PUBLIC, realign._PUBLIC_LEADS), (realign._HUMAINS, realign._HUMAINS_LEADS)]
    words = ["budget", "dotations", "subvention", "crédits", "REAAP", "FSE", "ANRU", "fonds", "2024", "année scolaire",
             "sur l'année", "mercredis", "août", "décembre", "durée du PGT", "période", "fin année", "élèves",
             "étudiants", "lycéens", "collégiens", "3-6 ans", "12 - 25 ans", "équipes", "animatrices", "référents",
             "bénévoles", "ETP", "recrutement", "intervenant", "coordinatrice", "Eleves", "ÉLÈVES", "Équipes"]
    samples = cells + [form for w in words for form in (w, w.upper(), w.title(), f"Les {w}, puis", f"x{w}", f"{w}s")]
    for pattern, leads in pairs:
        led = realign._led(pattern, leads)
        for text in samples:
            assert bool(led.search(text)) == bool(pattern.search(text)), (pattern.pattern[:30], text)


def _header_cell_field_match_first(text, matcher):  # noqa: ANN001, ANN202
    """_header_cell_field as first written (the match first, then the case, then the heading forms): the reference."""
    match = matcher.match(text)
    if match is None:
        return None
    letters = [ch for ch in text if ch.isalpha()]
    upper = sum(ch.isupper() for ch in letters) / max(1, len(letters))
    if not (upper >= 0.6 or matcher.starts_with_spelling(text)):
        return None
    return None if is_heading_form(text, matcher.profile) else match.field


def test_header_cell_field_cheapest_test_first_answers_as_the_match_first():
    """Every cell of raw/, and cells made of header words in every case, with upper-case
    signs that are not letters (Ⅻ, Ⓐ) and letters without case (ª)."""
    matcher = header_matcher(default_profile())
    root = Path(__file__).resolve().parent.parent / "raw"
    texts = {cell for path in sorted(root.iterdir()) for row in read_document(path).rows for cell in row.cells}
    rng = random.Random(15)
    words = ["PORTEUR", "Public", "visé", "ÉCHÉANCES", "partenaires", "Moyens", "humains", "financiers", "Ⅻ", "Ⓐ",
             "ª", "Indicateurs", "d'évaluation", "AXE", "1", "Objectif", "opérationnel", ":", "offres", "existantes"]
    for _ in range(2000):
        picked = rng.choices(words, k=rng.randint(1, 5))
        texts.add(" ".join(w.upper() if rng.random() < 0.3 else w for w in picked))
    assert len(texts) > 2000
    answers = {text: _header_cell_field(text, matcher) for text in sorted(texts)}
    assert answers == {text: _header_cell_field_match_first(text, matcher) for text in sorted(texts)}
    assert sum(field is not None for field in answers.values()) > 50  # headers among them


def test_row_is_blank_from_its_non_empty_cells_answers_as_every_cell_stripped():
    for cells in [(), ("",), (" ", "\t"), ("\u00a0",), ("\u200b",), ("", "x"), (" a ",), ("\n", "", "0")]:
        row = SourceRow(cells=cells, provenance=Provenance(document="d"))
        assert row.is_blank == (not any(c.strip() for c in cells)), cells


def _fuzzy_numbered_each_candidate(text, candidates, fuzzy):  # noqa: ANN001, ANN202
    """pat._fuzzy_numbered as first written (each candidate's head folded anew): the reference."""
    if len(text) > 400 or not text[:1].isalnum():
        return None
    tokens = text.split(maxsplit=4)
    for candidate in candidates:
        size = candidate.count(" ") + 1
        if len(candidate) < 6 or len(tokens) <= size:
            continue
        head = fold(" ".join(tokens[:size]))
        if abs(len(head) - len(candidate)) > 2 or fuzz.ratio(head, candidate) < fuzzy:
            continue
        rest = text.split(maxsplit=size)[size] if len(text.split(maxsplit=size)) > size else ""
        found = pat._AFTER_WORD.match(rest)
        numbers = pat._number_of(found.group("number")) if found else None
        if numbers is not None:
            return pat.HeadingNumber(numbers, pat._clean_title(found.group("title")))
    return None


def test_fuzzy_numbered_heads_folded_once_answers_as_each_candidate():
    """raw/'s cells and garbled headings (`AXF STRATEGIQUE 2`, `0BJECTIF INTERMEDIAIRE 1 : …`)."""
    root = Path(__file__).resolve().parent.parent / "raw"
    texts = sorted({cell.strip() for path in sorted(root.iterdir()) for row in read_document(path).rows
                    for cell in row.cells if cell.strip()})
    texts += ["AXF STRATEGIQUE 2 - Accueil", "0BJECTIF INTERMEDIAIRE 1 : Conserver", "OBJECTlF OPERATIONNEL 1.2.3",
              "ORIENTATlON II Soutenir", "THEMATIQVE 3 Poursuivre", "PRIORlTE 4", "Objectif generale 2 :"]
    words = pat._words(default_profile())
    met = 0
    for level in ("group_words", "axe_words", "oi_words", "oo_words"):
        candidates = getattr(words, level)
        for text in texts:
            answer = pat._fuzzy_numbered(text, candidates, 80.0)
            assert answer == _fuzzy_numbered_each_candidate(text, candidates, 80.0), (level, text)
            met += answer is not None
    assert met >= 5


def _fold_by_one_translate(text: str) -> str:
    """fold by one str.translate through the fold table (each character looked up): the reference."""
    return " ".join(text.translate(text_module._FOLDED).split())


def test_fold_by_ascii_table_and_error_handler_answers_as_one_translate():
    """raw/'s cells, and made-up texts mixing ASCII with runs of other characters (accents,
    ligatures, combining marks, typographic spaces and quotes, lone surrogates, astral ones)."""
    uncached = fold.__wrapped__
    root = Path(__file__).resolve().parent.parent / "raw"
    texts = {cell for path in sorted(root.iterdir()) for row in read_document(path).rows for cell in row.cells}
    rng = random.Random(15)
    others = ["é", "È", "œ", "Œ", "æ", "ß", "’", "«", "»", "–", "—", "\u00a0", "\u202f", "\u2028", "\u0301", "\u0327",
              "ﬁ", "²", "½", "Ⅻ", "Ⓐ", "ª", "\ud800", "\udcff", "😀", "𝐀", "ǅ", "İ", "ı", "\x00", "\x7f", "\t"]
    ascii_parts = ["a", "Z", "0", " ", ":", "-", "'", "Echeances", "de", "l", "PORTEUR", "\n"]
    for _ in range(3000):
        texts.add("".join(rng.choice(others) if rng.random() < 0.4 else rng.choice(ascii_parts)
                          for _ in range(rng.randint(0, 12))))
    assert len(texts) > 4000
    assert all(uncached(text) == _fold_by_one_translate(text) for text in texts)


def _cell_type_by_plain_patterns(text: str) -> tuple[str | None, bool]:
    """cell_type with the content patterns as written (neither led nor held): the reference."""
    from pgt.structure import realign

    stripped = text.strip()
    if pat.parse_oo_refs(stripped) is not None:
        return "oo", True
    if realign._PARCOURS.match(stripped) and len(stripped) < 120:
        return "parcours", True
    if realign._INDICATOR.match(stripped):
        return "indicateurs", True
    if realign._FINANCIAL.search(stripped):
        return "moyens_financiers", False
    if len(stripped) < 160 and realign._PERIOD.search(stripped):
        return "echeances", True
    if len(stripped) < 120 and realign._PUBLIC.search(stripped):
        return "public_vise", False
    if realign._HUMAINS.search(stripped):
        return "moyens_humains", False
    return None, False


def test_cell_type_with_its_led_patterns_held_answers_as_the_plain_patterns():
    """Every cell of raw/, and made-up cells of each type (and past the length limits)."""
    from pgt.structure import realign

    raw = Path(__file__).resolve().parent.parent / "raw"
    cells = {cell for path in sorted(raw.iterdir()) for row in read_document(path).rows for cell in row.cells}
    cells |= {"budget 2024", "Les élèves", "Taux de réussite", "je découvre", "1, 3", "ANIMATEURS", "mercredis",
              "x" * 130 + " enfants", "y" * 170 + " 2024", "Dotation CAF, 2024 élèves"}
    answers = {text: realign.cell_type.__wrapped__(text) for text in cells}
    assert answers == {text: _cell_type_by_plain_patterns(text) for text in cells}
    assert len({kind for kind, _ in answers.values()}) == 8  # every type met, and untyped cells


def _word_regex_of_both_cases(folded: str, plural: bool = True) -> str:
    """pat._word_regex as first written (each letter a class of both its cases): the reference."""
    parts = []
    for ch in folded:
        if ch == " ":
            parts.append(r"[\s'’\-]+")
        elif ch in pat._ACCENTS:
            parts.append(f"[{pat._ACCENTS[ch]}{pat._ACCENTS[ch].lower()}]")
        else:
            parts.append(f"[{ch}{ch.lower()}]")
    return "".join(parts) + "S?" if plural and not folded.endswith("S") else "".join(parts)


def test_heading_words_by_upper_case_letters_match_as_the_classes_of_both_cases():
    """Under IGNORECASE a letter (or its accented forms) matches what the class of both its
    cases matched — every character of Unicode, the dotless ı and the Kelvin sign among
    them; the headings patterns then read raw/'s cells and garbled headings alike."""
    import sys

    symbols = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"]
    new = {ch: re.compile(pat._word_regex(ch, plural=False), re.IGNORECASE) for ch in symbols}
    old = {ch: re.compile(_word_regex_of_both_cases(ch, plural=False), re.IGNORECASE) for ch in symbols}
    # the characters any of them matches, found in one scan: a character matches a class
    # (ignoring case) when it matches one of the characters the union holds
    union = re.compile("[" + "".join(re.escape(pat._ACCENTS.get(ch, ch) + pat._ACCENTS.get(ch, ch).lower())
                                     for ch in symbols) + "]", re.IGNORECASE)
    met = union.findall("".join(map(chr, range(sys.maxunicode + 1))))
    assert "\u0131" in met and "\u212a" in met  # ı, K: matched by [Ii] and [Kk] ignoring case
    for ch in symbols:
        assert [c for c in met if new[ch].fullmatch(c)] == [c for c in met if old[ch].fullmatch(c)], ch
    root = Path(__file__).resolve().parent.parent / "raw"
    texts = sorted({cell.strip() for path in sorted(root.iterdir()) for row in read_document(path).rows
                    for cell in row.cells if cell.strip()})
    texts += ["AXF STRATEGIQUE 2 - Accueil", "Objectifs Opérationnels 1.2.3 : x", "orientation ii Soutenir",
              "FICHE ACTION n°4 – Accueil", "Axes 2", "ENJEU Ⅱ", "SOUS-AXE 1.2", "Thématique 3 Poursuivre le CLAS"]
    words = pat._words(default_profile())
    headings = 0
    for level in ("group_words", "axe_words", "oi_words", "oo_words", "action_words"):
        candidates = getattr(words, level)
        plural = level != "action_words"
        both = re.compile(pat._numbered_heading(candidates, plural).pattern.replace(
            "|".join(pat._word_regex(w, plural) for w in candidates),
            "|".join(_word_regex_of_both_cases(w, plural) for w in candidates)), re.IGNORECASE | re.DOTALL)
        assert both.pattern != words.patterns[level].pattern
        for text in texts:
            found, expected = words.patterns[level].match(text), both.match(text)
            assert (found and found.groupdict()) == (expected and expected.groupdict()), (level, text)
            headings += found is not None
    assert headings > 30


def _clean_title_by_regex(text: str) -> str:
    """pat._clean_title as first written (whitespace runs collapsed by a regex, then stripped): the reference."""
    return re.sub(r"\s+", " ", text).strip().lstrip(":.–- ").rstrip(" :") if text else ""


def test_clean_title_by_split_answers_as_the_regex_collapse():
    """Every whitespace character of Unicode (the regex's `\\s` and str.split's), alone,
    between words, at either end; raw/'s cells; titles led or ended by separators."""
    import sys

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    spaces = sorted(set(re.findall(r"\s", every)) | set(filter(str.isspace, every)))
    assert "\u00a0" in spaces and "\u2028" in spaces and "\x1c" in spaces
    texts = [f"{s}a{s}{s}b{s}" for s in spaces] + [f": – {s}Titre{s}:{s}" for s in spaces]
    root = Path(__file__).resolve().parent.parent / "raw"
    texts += sorted({cell for path in sorted(root.iterdir()) for row in read_document(path).rows for cell in row.cells})
    texts += ["", " ", ":", " : Titre :", "- Accueil –", "x\n\ty", "Titre :: ", ".–- a"]
    assert all(pat._clean_title(text) == _clean_title_by_regex(text) for text in texts)


def _summary_count_of_every_cell(marks, row, action_header: bool) -> int:  # noqa: ANN001
    """SummaryMarks.count as first written (every cell tested, the row's shape first): the reference."""
    from pgt.extract.rows import RowKind
    from pgt.structure import _led_by

    folded = [fold(text) for _, text in row.non_empty]
    shaped = row.kind is RowKind.TABLE and not action_header and any(_led_by(f, marks.levels) for f in folded)
    return sum(1 for cell in folded
               if cell.startswith(marks.fiche_headers) or marks._numbered(cell)
               or shaped and _led_by(cell, marks.list_headers))


def test_summary_marks_counted_among_cells_with_a_mark_opening_answer_as_every_cell_tested():
    """Every row of raw/ (both documents), as an action header or not, and made-up rows of
    summary headers, fiche numbers and list headers beside axe columns."""
    from pgt.extract.rows import RowKind
    from pgt.structure import summary_marks

    marks = summary_marks(default_profile())
    root = Path(__file__).resolve().parent.parent / "raw"
    rows = [row for path in sorted(root.iterdir()) for row in read_document(path).rows]
    made = [("FICHES ACTIONS", "AXE 1"), ("Fiche 12", "x"), ("ACTIONS", "AXE"), ("ACTIONS", "Porteur"),
            ("Fiche action", "OBJECTIF OPERATIONNEL"), ("FICHE", "FICHE 3"), ("Actions 2", "OI 1"), ("OO", "FICHE ACTION")]
    rows += [SourceRow(cells=cells, provenance=Provenance(document="d"), kind=kind)
             for cells in made for kind in (RowKind.TABLE, RowKind.TEXT)]
    counts = [(marks.count(row, header), _summary_count_of_every_cell(marks, row, header))
              for row in rows for header in (False, True)]
    assert all(fast == plain for fast, plain in counts)
    assert sum(fast > 0 for fast, _ in counts) > 20
