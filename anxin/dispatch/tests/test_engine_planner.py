from __future__ import annotations

from dataclasses import replace

from anxin.dispatch.engine.model import Break, Job, Plan, Problem, Stop, Technician
from anxin.dispatch.engine.planner import CancelJob, NewJob, Overrun, TechnicianOff, freeze, plan_day, replan
from anxin.dispatch.engine.schedule import Network
from anxin.dispatch.travel import LatLon
from anxin.testing.dispatch_days import synthetic_day


def _stop(plan: Plan, job_id: str) -> tuple[str, int, Stop]:
    found = plan.stop_of(job_id)
    assert found is not None, f"{job_id} is not in the plan"
    return found


def small_day() -> Problem:
    return synthetic_day(seed=7, technicians=6, jobs=24)


def test_the_plan_covers_every_job_once_with_the_right_skill() -> None:
    problem = small_day()
    plan = plan_day(problem, time_limit_s=0.5)
    planned = [jid for seq in plan.sequences().values() for jid in seq]
    assert sorted(planned + plan.unassigned) == sorted(j.id for j in problem.jobs)
    assert len(planned) == len(set(planned))
    for tid, seq in plan.sequences().items():
        tech = problem.technician(tid)
        assert all(tech.can_do(problem.job(jid)) for jid in seq)


def test_started_and_pinned_jobs_never_move() -> None:
    # Given a job T000 is already doing and one pinned as his next visit
    problem = small_day()
    jobs = list(problem.jobs)
    jobs[0] = replace(jobs[0], pinned_technician="T000", started_at=470, skill=None)
    jobs[1] = replace(jobs[1], pinned_technician="T000", pinned_position=1, skill=None)
    jobs[2] = replace(jobs[2], pinned_technician="T003", skill=None)
    problem = replace(problem, jobs=tuple(jobs), now=480)
    # When the day is planned
    plan = plan_day(problem, time_limit_s=0.5)
    # Then T000's route starts with them, in that order, and the started one keeps its start
    route = plan.routes["T000"]
    assert route.job_ids[:2] == [jobs[0].id, jobs[1].id]
    assert route.stops[0].start == 470 and route.stops[0].locked
    assert jobs[2].id in plan.routes["T003"].job_ids


def test_a_solver_error_falls_back_to_a_greedy_plan() -> None:
    def broken_solver(*args: object, **kwargs: object) -> None:
        raise RuntimeError("license server down")

    problem = small_day()
    plan = plan_day(problem, time_limit_s=0.5, solver=broken_solver)
    assert plan.engine == "greedy"
    assert plan.fallback_reason is not None and "license server down" in plan.fallback_reason
    assert sum(len(r.stops) for r in plan.routes.values()) + len(plan.unassigned) == len(problem.jobs)
    assert sum(len(r.stops) for r in plan.routes.values()) > 0


def test_a_solver_timeout_falls_back_to_a_greedy_plan() -> None:
    def out_of_time(*args: object, **kwargs: object) -> None:
        return None  # what solve_ortools returns when no solution was found in time

    plan = plan_day(small_day(), time_limit_s=0.01, solver=out_of_time)
    assert plan.engine == "greedy"
    assert plan.fallback_reason == "solver found no solution within the time limit"
    assert plan.routes


def test_the_engine_is_never_worse_than_greedy_on_lateness() -> None:
    problem = synthetic_day(seed=3, technicians=8, jobs=50)
    from anxin.dispatch.engine.planner import greedy_plan, plan_cost

    net = Network.for_problem(problem)
    assert plan_cost(plan_day(problem, net=net, time_limit_s=1.0), problem) <= plan_cost(
        greedy_plan(problem, net=net), problem
    )


def test_replan_keeps_started_jobs_and_handles_events() -> None:
    problem = small_day()
    net = Network.for_problem(problem)
    plan = plan_day(problem, net=net, time_limit_s=0.5)
    now = 600
    started = {s.job_id for _, s in plan.stops() if s.arrival - s.travel_min <= now < s.end}
    victim = next(
        j
        for j in problem.jobs
        if j.id not in started and plan.stop_of(j.id) and _stop(plan, j.id)[2].start > now
    )
    new = Job("NEW", LatLon(30.58, 104.07), 45, 720, 840)
    sick = next(t for t in plan.routes if t != "T000")
    state, new_plan = replan(
        problem,
        plan,
        [NewJob(new), CancelJob(victim.id), Overrun(next(iter(started)), 30), TechnicianOff(sick)]
        if started
        else [NewJob(new), CancelJob(victim.id)],
        now=now,
        net=net,
        time_limit_s=0.5,
    )
    planned = {jid for seq in new_plan.sequences().values() for jid in seq}
    assert "NEW" in planned | set(new_plan.unassigned)
    assert victim.id not in planned
    assert sick not in new_plan.routes or not started
    for jid in started:
        tid, _, stop = _stop(plan, jid)
        if tid != sick:
            assert _stop(new_plan, jid)[0] == tid
            assert _stop(new_plan, jid)[2].start == stop.start


def test_freeze_drops_finished_jobs_and_moves_the_technician() -> None:
    tech = Technician("T", LatLon(30.0, 104.0), 480, 1080, breaks=(Break(690, 780, 45),))
    a = Job("A", LatLon(30.01, 104.0), 30, 480, 600)
    b = Job("B", LatLon(30.02, 104.0), 30, 700, 800)
    problem = Problem((tech,), (a, b), now=450)
    plan = plan_day(problem, time_limit_s=0.2)
    later = freeze(problem, plan, 560)
    assert [j.id for j in later.jobs] == ["B"]
    assert later.technicians[0].location == a.location
