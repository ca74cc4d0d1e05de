"""Learner codes (the shared contract of issue 16) and the CPR refusal (finding 3)."""

from __future__ import annotations

import itertools
import random

import pytest
from click.testing import CliRunner

from tests.records.test_web_auth import unused_port
from toolkit.cli import main
from toolkit.records.codes import (
    ALPHABET,
    CPR_MESSAGE,
    CprError,
    canonical,
    check_symbol,
    is_code,
    learner_id,
    looks_like_cpr,
    new_code,
    personal_link,
)


def luhn_valid(code: str) -> bool:
    """Luhn mod N validation, written independently of the generator: the weighted sum of all ten symbols."""
    total = 0
    for i, char in enumerate(reversed(code)):
        v = ALPHABET.index(char) * (2 if i % 2 else 1)
        total += v // 32 + v % 32
    return total % 32 == 0


def test_alphabet_and_shape():
    assert len(ALPHABET) == 32 and not set("01OI") & set(ALPHABET)
    code = new_code()
    assert len(code) == 11 and code[5] == "-" and all(c in ALPHABET for c in code.replace("-", ""))
    assert luhn_valid(code.replace("-", ""))


def test_codes_are_random_enough():
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    counts = dict.fromkeys(ALPHABET, 0)
    for code in codes:
        for c in code[:5] + code[6:10]:
            counts[c] += 1
    assert min(counts.values()) > 0.5 * 2000 * 9 / 32  # every symbol used, roughly evenly


def test_input_is_forgiving():
    code = new_code()
    assert canonical(code.lower().replace("-", " ")) == code
    assert canonical(" " + code.replace("-", "") + " ") == code
    assert learner_id(code.lower()) == code
    assert learner_id("anna-7f3a") == "anna-7f3a"  # an LMS account name stays as typed


def test_every_single_typo_is_caught():
    rng = random.Random(16)
    for _ in range(50):
        body = "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_symbol(body)
        assert luhn_valid(code) and is_code(code)
        for i, wrong in itertools.product(range(10), ALPHABET):
            if wrong != code[i]:
                assert not is_code(code[:i] + wrong + code[i + 1:])


def test_most_neighbour_swaps_are_caught():
    rng = random.Random(7)
    caught = total = 0
    for _ in range(300):
        body = "".join(rng.choice(ALPHABET) for _ in range(9))
        code = body + check_symbol(body)
        for i in range(9):
            if code[i] != code[i + 1]:
                total += 1
                caught += not is_code(code[:i] + code[i + 1] + code[i] + code[i + 2:])
    assert caught / total > 0.99


def test_personal_link():
    assert personal_link("https://kurser.example.dk/ret-og-pligt/", "k7f3q9qx2" + check_symbol("K7F3Q9QX2")) == \
        f"https://kurser.example.dk/ret-og-pligt/index.html?learner=K7F3Q-9QX2{check_symbol('K7F3Q9QX2')}"


@pytest.mark.parametrize("text", ["010190-1234", "0101901234", "010190 1234", "311299-0000", "290200-1111",
                                  "Anna 010190-1234", "id:0101901234"])
def test_cpr_shapes_are_refused(text):
    assert looks_like_cpr(text)
    with pytest.raises(CprError) as exc:
        learner_id(text)
    assert text.strip() not in str(exc.value) and "1234" not in str(exc.value)


@pytest.mark.parametrize("text", ["320190-1234", "011390-1234", "300290-1234", "000190-1234", "01019012345",
                                  "anna-7f3a", "K7F3Q-9QX2Z", "12345"])
def test_not_cpr(text):
    assert not looks_like_cpr(text)


def test_no_learner_code_looks_like_a_cpr_number():
    # without 0 and 1 no day (01-31) and month (01-12) can be formed
    assert not any(looks_like_cpr(new_code()) for _ in range(500))


def test_cli_refuses_cpr_before_any_request():
    # the LRS address has nothing listening: a request would fail with "cannot reach"
    env = {"TOOLKIT_LRS_ENDPOINT": f"http://127.0.0.1:{unused_port()}/xapi/", "TOOLKIT_LRS_USERNAME": "r",
           "TOOLKIT_LRS_PASSWORD": "p", "TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}
    result = CliRunner().invoke(main, ["records", "learner", "010190-1234"], env=env)
    assert result.exit_code == 1
    assert CPR_MESSAGE in result.output and "010190" not in result.output and "cannot reach" not in result.output
    result = CliRunner().invoke(main, ["records", "course", "https://kurser.example.dk/x", "--learner",
                                       "0101901234"], env=env)
    assert result.exit_code == 1 and CPR_MESSAGE in result.output and "0101901234" not in result.output


def test_cli_refuses_cpr_in_team_file_with_its_line(tmp_path):
    team = tmp_path / "team.txt"
    team.write_text("# holdet\nK7F3Q-9QX2Z\n010190 1234\n", encoding="utf-8")
    env = {"TOOLKIT_LRS_ENDPOINT": f"http://127.0.0.1:{unused_port()}/xapi/", "TOOLKIT_LRS_USERNAME": "r",
           "TOOLKIT_LRS_PASSWORD": "p", "TOOLKIT_RECORDS_CONFIG": "/nonexistent/records.toml"}
    result = CliRunner().invoke(main, ["records", "course", "https://kurser.example.dk/x", "--learners",
                                       str(team)], env=env)
    assert result.exit_code == 1
    assert f"{team}:3: {CPR_MESSAGE}" in result.output and "1234" not in result.output
    assert "Traceback" not in result.output


def test_a_mistyped_code_is_named_a_typo():
    from toolkit.records.codes import CodeTypoError

    code = new_code()
    wrong = code[:3] + next(c for c in ALPHABET if c != code[3]) + code[4:]
    with pytest.raises(CodeTypoError):
        learner_id(wrong)
    with pytest.raises(CodeTypoError):
        learner_id(wrong.lower().replace("-", " "))
    assert learner_id("ABCDEFGHJK") == "ABCDEFGHJK" or is_code("ABCDEFGHJK")  # no group shape: an LMS id


def test_the_runtime_computes_the_same_check_symbols():
    """The runtime's own code parser (toolkit/runtime/src/45-code.js, once merged) agrees on 2,000 codes."""
    import json
    import shutil
    import subprocess
    from pathlib import Path

    source = Path(__file__).resolve().parents[2] / "toolkit" / "runtime" / "src" / "45-code.js"
    if not source.is_file():
        pytest.skip("the runtime's learner-code parser is not in this branch yet")
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    rng = random.Random(45)
    bodies = ["".join(rng.choice(ALPHABET) for _ in range(9)) for _ in range(2000)]
    typed = [b[:5].lower() + " " + b[5:] + check_symbol(b) for b in bodies]
    script = source.read_text(encoding="utf-8") + (
        "\nconst input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "\nprocess.stdout.write(JSON.stringify(input.map(parseCode)));")
    done = subprocess.run(["node", "-e", script], input=json.dumps(typed), capture_output=True, text=True,
                          timeout=60, check=True)
    assert json.loads(done.stdout) == [canonical(t) for t in typed]
