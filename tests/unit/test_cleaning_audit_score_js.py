"""The field app's audit score (pwa/src/app/cleaning-logic.js) is the server's
(server/domain/cleaning/audits.py): every verdict the phone can show, run in Node, for
every audit size the op allows (1..40 items) and every count of items passed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from server.domain.cleaning.audits import judge, score_of
from server.domain.cleaning.op_args import AuditItem
from server.domain.cleaning.terms import ATP_PASS_RLU

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import { auditScore, itemPassed } from './pwa/src/app/cleaning-logic.js';
const scores = {};
for (let total = 1; total <= 40; total += 1) {
  for (let passed = 0; passed <= total; passed += 1) {
    scores[`${passed}/${total}`] = auditScore(Array.from({ length: total }, (_, i) => i < passed));
  }
}
const rlus = [0, %(cut)d - 1, %(cut)d, %(cut)d + 1, 100000];
const atp = rlus.map((rlu) => itemPassed({ method: 'atp', rlu }));
console.log(JSON.stringify({ scores, rlus, atp }));
"""


def test_the_phone_scores_and_judges_an_audit_as_the_server_does() -> None:
    node = shutil.which("node")
    assert node, "Node runs the field app's tests (make jstest)"
    out = subprocess.run(
        [node, "--input-type=module", "-e", SCRIPT % {"cut": ATP_PASS_RLU}],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    phone = json.loads(out)
    server = {
        f"{passed}/{total}": score_of([{"passed": i < passed} for i in range(total)])
        for total in range(1, 41)
        for passed in range(total + 1)
    }
    assert phone["scores"] == server
    assert phone["atp"] == [
        judge(AuditItem("bed_rail", "atp", rlu=rlu))["passed"] for rlu in phone["rlus"]
    ]
