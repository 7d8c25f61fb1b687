"""The pure checks of the verification report, on hand-made op streams and scans."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from server.domain.patrol import verification as v
from sync.chain import op_hash

DEVICE, STREAM, GUARD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 11, 3, 20, 0, tzinfo=UTC)


def stream(count: int, *, hlcs: list[int] | None = None, skew: int = 0) -> list[v.StoredOp]:
    ops, previous = [], ""
    for seq in range(1, count + 1):
        at = T0 + timedelta(minutes=seq)
        wall = hlcs[seq - 1] if hlcs else int(at.timestamp() * 1000)
        body = {
            "op_id": str(uuid.uuid4()),
            "incarnation": str(STREAM),
            "seq": seq,
            "name": "patrol.scan_checkpoint",
            "v": 1,
            "args": {"payload": f"CP-{seq}"},
            "client_time": (at + timedelta(seconds=skew)).isoformat(),
            "hlc": f"{wall:013d}:0000:{DEVICE}",
            "blobs": [],
            "prev_hash": previous,
        }
        previous = op_hash(body)
        ops.append(
            v.StoredOp(
                uuid.UUID(body["op_id"]),
                DEVICE,
                STREAM,
                seq,
                GUARD,
                body["name"],
                json.dumps(body),
                previous,
                at,
                at,
            )
        )
    return ops


def kinds(findings: list[v.Finding]) -> list[str]:
    return [finding.kind for finding in findings]


def test_an_untouched_stream_has_no_chain_findings() -> None:
    assert v.chain_findings(stream(5), v.StreamTail(5, "")) == []


def test_an_edited_op_is_altered_and_breaks_the_link_after_it() -> None:
    ops = stream(4)
    body = json.loads(ops[1].raw)
    body["args"]["payload"] = "CP-forged"
    ops[1] = v.StoredOp(**{**ops[1].__dict__, "raw": json.dumps(body)})
    findings = v.chain_findings(ops)
    assert kinds(findings) == ["altered_op", "chain_break"]
    assert findings[0].record_ids == (str(ops[1].op_id),)
    assert findings[0].op_hashes[0] == ops[1].op_hash
    assert findings[1].record_ids == (str(ops[1].op_id), str(ops[2].op_id))


def test_an_edit_with_its_hash_rewritten_still_breaks_the_chain() -> None:
    ops = stream(3)
    body = json.loads(ops[1].raw)
    body["args"]["payload"] = "CP-forged"
    ops[1] = v.StoredOp(**{**ops[1].__dict__, "raw": json.dumps(body), "op_hash": op_hash(body)})
    assert kinds(v.chain_findings(ops)) == ["chain_break"]


def test_a_removed_op_is_a_seq_gap_in_the_middle_or_at_the_end() -> None:
    ops = stream(5)
    gap = v.chain_findings([*ops[:2], *ops[3:]])
    assert kinds(gap) == ["seq_gap"]
    assert "Seqs 3 to 3" in gap[0].message
    assert gap[0].op_hashes == (ops[3].op_hash,)
    assert kinds(v.chain_findings(ops[:4], v.StreamTail(5, ops[4].op_hash))) == ["seq_gap"]


def test_a_walk_that_starts_mid_stream_checks_from_the_op_before() -> None:
    ops = stream(6)
    assert v.chain_findings(ops[2:], first_seq=3) == []
    assert kinds(v.chain_findings(ops[3:], first_seq=3)) == ["seq_gap"]


def test_a_stream_that_restarted_inside_its_seqs_breaks_the_chain() -> None:
    ops = stream(3)
    body = json.loads(ops[2].raw)
    body["prev_hash"] = ""
    ops[2] = v.StoredOp(**{**ops[2].__dict__, "raw": json.dumps(body), "op_hash": op_hash(body)})
    assert kinds(v.chain_findings(ops)) == ["chain_break"]


def test_a_second_local_database_of_a_device_is_a_stream_restart() -> None:
    first, second = stream(2), stream(2)
    later = [
        v.StoredOp(**{**op.__dict__, "received_at": op.received_at + timedelta(days=1)})
        for op in second
    ]
    found = v.restart_findings({DEVICE: [first, later]})
    assert kinds(found) == ["stream_restart"]
    assert found[0].op_hashes == (first[-1].op_hash, later[0].op_hash)


def test_clock_skew_flags_and_hlc_regressions() -> None:
    thresholds = v.Thresholds(clock_skew_seconds=300)
    assert v.clock_findings(stream(3), thresholds) == []
    assert kinds(v.clock_findings(stream(2, skew=600), thresholds)) == ["clock_skew"] * 2
    regressed = stream(3, hlcs=[3000, 1000, 4000])
    found = v.clock_findings(regressed, thresholds)
    assert kinds(found) == ["hlc_regression"]
    assert found[0].record_ids == (str(regressed[0].op_id), str(regressed[1].op_id))
    flagged = [v.StoredOp(**{**stream(1)[0].__dict__, "clock_flag": "ahead"})]
    assert kinds(v.clock_findings(flagged, thresholds)) == ["clock_flag"]


A, B, C = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def scan(point: uuid.UUID | None, seconds: float, method: str = "qr") -> v.Record:
    return v.Record(
        "scan",
        uuid.uuid4(),
        GUARD,
        T0 + timedelta(seconds=seconds),
        None,
        "h" * 64,
        checkpoint_id=point,
        method=method,
        manual_reason="tag torn off" if method == "manual" else "",
    )


def test_impossible_travel_by_walking_time_and_by_coordinates() -> None:
    walks = v.Geography(walks={(A, B): 120})
    assert kinds(v.travel_findings([scan(A, 0), scan(B, 60)], walks, v.Thresholds())) == [
        "impossible_travel"
    ]
    # Both ways, and a walk long enough is fine.
    assert kinds(v.travel_findings([scan(B, 0), scan(A, 90)], walks, v.Thresholds())) == [
        "impossible_travel"
    ]
    assert v.travel_findings([scan(A, 0), scan(B, 130)], walks, v.Thresholds()) == []
    # 0.01 degrees of latitude is about 1.1 km: more than 9 minutes at 2 m/s.
    mapped = v.Geography(coordinates={A: (22.30, 114.17), C: (22.31, 114.17)})
    assert kinds(v.travel_findings([scan(A, 0), scan(C, 300)], mapped, v.Thresholds())) == [
        "impossible_travel"
    ]
    assert v.travel_findings([scan(A, 0), scan(C, 600)], mapped, v.Thresholds()) == []


def test_a_burst_is_one_finding_naming_every_scan_in_it() -> None:
    scans = [scan(A, second * 5) for second in range(7)] + [scan(A, 3600)]
    found = v.burst_findings(scans, v.Thresholds(burst_scans=5, burst_seconds=60))
    assert kinds(found) == ["scan_burst"]
    assert found[0].record_ids == tuple(str(s.id) for s in scans[:7])
    assert v.burst_findings(scans[:5], v.Thresholds(burst_scans=5, burst_seconds=60)) == []


def test_manual_entries_are_flagged_with_their_reason() -> None:
    found = v.manual_findings([scan(A, 0), scan(B, 10, "manual")])
    assert kinds(found) == ["manual_entry"]
    assert "tag torn off" in found[0].message


def _claims(*claims: tuple[int, int, int]) -> list[v.StoredOp]:
    """A stream whose ops claim `minutes` after T0, stamp `seen` minutes after it, and
    were received `sent` minutes after it."""
    ops, previous = [], ""
    for seq, (minutes, seen, sent) in enumerate(claims, start=1):
        wall = int((T0 + timedelta(minutes=seen)).timestamp() * 1000)
        body = {
            "op_id": str(uuid.uuid4()),
            "incarnation": str(STREAM),
            "seq": seq,
            "name": "attendance.clock_in" if seq == len(claims) else "patrol.scan_checkpoint",
            "v": 1,
            "args": {},
            "client_time": (T0 + timedelta(minutes=minutes)).isoformat(),
            "hlc": f"{wall:013d}:0000:{DEVICE}",
            "blobs": [],
            "prev_hash": previous,
        }
        previous = op_hash(body)
        received = T0 + timedelta(minutes=sent)
        claimed = T0 + timedelta(minutes=minutes)
        ops.append(
            v.StoredOp(
                uuid.UUID(body["op_id"]),
                DEVICE,
                STREAM,
                seq,
                GUARD,
                body["name"],
                json.dumps(body),
                previous,
                received,
                claimed,
            )
        )
    return ops


def test_a_clock_once_far_ahead_then_put_right_does_not_backdate_what_follows() -> None:
    # Seq 1 claims two hours ahead but reached the server at minute 1: as evidence of the
    # phone's clock it counts no later than its receipt.
    ops = _claims((120, 120, 1), (3, 3, 4), (4, 4, 5))
    assert v.backdated_findings(v.StreamView(ops), ops, {}, v.Thresholds()) == []
    set_back = _claims((30, 30, 31), (10, 31, 32))
    found = v.backdated_findings(v.StreamView(set_back), set_back, {}, v.Thresholds())
    assert kinds(found) == ["backdated"]
    assert found[0].op_hashes == (set_back[0].op_hash, set_back[1].op_hash)


def _clock_in(ops: list[v.StoredOp]) -> list[v.Finding]:
    last = ops[-1]
    record = v.Record("clock_in", uuid.uuid4(), GUARD, last.claimed_at or T0, last.op_id, "h")
    shift = v.Shift(T0, T0 + timedelta(hours=10))  # the shift starts at T0
    views = {(DEVICE, STREAM): v.StreamView(ops)}
    ops_by_id = {op.op_id: op for op in ops}
    return v.clock_in_findings([record], ops_by_id, views, [shift], {}, v.Thresholds())


def test_a_clock_in_is_backdated_only_when_its_phone_contradicts_it() -> None:
    # Honest: the last op of the morning, then the clock-in at -2 min, sent together at +180.
    assert _clock_in(_claims((-600, -600, 180), (-2, -2, 180))) == []
    # Received on time: nothing to judge, whatever the stamps say.
    assert _clock_in(_claims((-600, -600, -599), (-2, 40, 2))) == []
    # Its own stamp read 40 min past the claim.
    assert kinds(_clock_in(_claims((-600, -600, -599), (-2, 40, 41)))) == ["backdated_clock_in"]
    # An earlier op had seen 30 min past the claim.
    assert kinds(_clock_in(_claims((30, 30, 31), (-2, -2, 45)))) == ["backdated_clock_in"]
    # The phone sent an earlier op at +20, and the clock-in only at +45.
    assert kinds(_clock_in(_claims((-600, -600, 20), (-2, -2, 45)))) == ["backdated_clock_in"]
    # Late and honest about it: claimed after the start plus the tolerance.
    assert _clock_in(_claims((-600, -600, 20), (12, 40, 45))) == []
