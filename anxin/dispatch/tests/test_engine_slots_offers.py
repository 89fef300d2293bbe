from __future__ import annotations

from dataclasses import replace

from anxin.dispatch.engine.insertion import feasible_slots, rank_offers
from anxin.dispatch.engine.model import Job
from anxin.dispatch.engine.planner import evaluate, plan_day
from anxin.dispatch.engine.schedule import Network
from anxin.dispatch.travel import LatLon
from anxin.testing.dispatch_days import synthetic_day

SLOTS = [(s, s + 120) for s in range(480, 1080, 60)] + [(1200, 1260)]


def test_every_slot_offered_is_kept_when_the_customer_takes_it() -> None:
    # Given a planned day and a new washer repair
    problem = synthetic_day(seed=11, technicians=5, jobs=25)
    net = Network.for_problem(problem)
    plan = plan_day(problem, net=net, time_limit_s=0.5)
    template = Job("NEW", LatLon(30.58, 104.05), 60, 0, 0, skill="washer")
    verdicts = feasible_slots(net, problem, plan, template=template, slots=SLOTS)
    assert any(v.feasible for v in verdicts)
    assert not verdicts[-1].feasible  # 20:00 is after every shift
    for v in verdicts:
        if not v.feasible:
            continue
        assert v.insertion is not None  # a feasible slot says where the job goes
        # When the customer picks it and the job goes where the picker said
        job = replace(template, window_start=v.start, window_end=v.end)
        state = problem.with_jobs((*problem.jobs, job))
        seqs = plan.sequences()
        seqs[v.insertion.technician_id].insert(v.insertion.position, "NEW")
        after = evaluate(state, seqs, net=net)
        # Then the plan serves it on time and nobody else got later, no new overtime
        found = after.stop_of("NEW")
        assert found is not None
        stop = found[2]
        assert v.start <= max(stop.arrival, v.start) and stop.lateness == 0
        before = {s.job_id: s.lateness for _, s in plan.stops()}
        assert all(s.lateness <= before[s.job_id] for _, s in after.stops() if s.job_id != "NEW")
        assert (
            after.routes[v.insertion.technician_id].overtime
            <= plan.routes[v.insertion.technician_id].overtime
        )


def test_offers_only_go_to_skilled_technicians_best_first() -> None:
    problem = synthetic_day(seed=12, technicians=10, jobs=30)
    net = Network.for_problem(problem)
    plan = plan_day(problem, net=net, time_limit_s=0.5)
    job = Job("NEW", LatLon(30.57, 104.07), 45, 840, 960, skill="fridge")
    state = replace(problem, jobs=(*problem.jobs, job), now=600)
    offers = rank_offers(net, state, plan, job, limit=10)
    assert offers
    assert all("fridge" in problem.technician(o.technician_id).skills for o in offers)
    assert [o.score for o in offers] == sorted(o.score for o in offers)
    assert offers[0].insertion.lateness == 0
