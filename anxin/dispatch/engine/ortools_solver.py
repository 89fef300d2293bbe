"""The day-plan model on Google OR-Tools' routing solver (see docs/adr/0041-dispatch-engine.md).

Only the free part of each route is optimised: every technician starts where and when his
locked prefix (started job, pinned positions) ends. Soft upper bounds on the time dimension
carry lateness; breaks are OR-Tools break intervals; skills and pinned technicians are
allowed-vehicle lists; a disjunction per job lets the solver leave a job unplanned at a
huge price rather than fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from anxin.dispatch.engine.model import (
    LATENESS_WEIGHT,
    OVERTIME_WEIGHT,
    UNASSIGNED_WEIGHT,
    Job,
    Technician,
)
from anxin.dispatch.engine.schedule import Cursor, Network

HORIZON = 3 * 24 * 60


@dataclass(frozen=True)
class VehicleStart:
    tech: Technician
    cursor: Cursor  # after the locked prefix
    capacity: int  # jobs still allowed


def solve_ortools(
    net: Network,
    vehicles: Sequence[VehicleStart],
    jobs: Sequence[Job],
    *,
    time_limit_s: float,
    initial: dict[str, list[str]] | None = None,
    seed: int = 0,
) -> dict[str, list[str]] | None:
    """Return job ids per technician for the free jobs, or None when no solution was found."""
    del seed  # OR-Tools' routing search is deterministic for a given model and limit
    if not jobs:
        return {v.tech.id: [] for v in vehicles}
    if not vehicles:
        return None
    nj, nv = len(jobs), len(vehicles)
    # Nodes: jobs 0..nj-1, then each vehicle's start node and end node.
    node_pos = [net.at(j.location) for j in jobs]
    starts, ends = [], []
    for v in vehicles:
        starts.append(len(node_pos))
        node_pos.append(v.cursor.pos)
        ends.append(len(node_pos))
        node_pos.append(net.at(v.tech.end_location or v.tech.location))
    service = [j.duration for j in jobs] + [0] * (2 * nv)
    minutes, metres = net.minutes, net.metres
    time_matrix = [[service[a] + minutes[pa][pb] for pb in node_pos] for a, pa in enumerate(node_pos)]
    dist_matrix = [[metres[pa][pb] for pb in node_pos] for pa in node_pos]

    manager = pywrapcp.RoutingIndexManager(len(node_pos), nv, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    dist_cb = routing.RegisterTransitMatrix(dist_matrix)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    time_cb = routing.RegisterTransitMatrix(time_matrix)
    routing.AddDimension(time_cb, HORIZON, HORIZON, False, "Time")
    tdim = routing.GetDimensionOrDie("Time")
    count_cb = routing.RegisterUnaryTransitVector([1] * nj + [0] * (2 * nv))
    routing.AddDimensionWithVehicleCapacity(
        count_cb, 0, [max(0, v.capacity) for v in vehicles], True, "Count"
    )

    solver = routing.solver()
    node_visit = [0] * routing.Size()
    for idx in range(routing.Size()):
        node_visit[idx] = service[manager.IndexToNode(idx)]
    for vi, v in enumerate(vehicles):
        tdim.CumulVar(routing.Start(vi)).SetRange(v.cursor.time, HORIZON)
        end_idx = routing.End(vi)
        # No hard end: a warm start that overruns would make ReadAssignmentFromRoutes search for long.
        tdim.SetCumulVarSoftUpperBound(end_idx, v.tech.shift_end, OVERTIME_WEIGHT)
        intervals = [
            solver.FixedDurationIntervalVar(
                b.earliest, max(b.earliest, b.latest), b.duration, False, f"break-{v.tech.id}-{k}"
            )
            for k, b in enumerate(v.cursor.pending)
        ]
        if intervals:
            tdim.SetBreakIntervalsOfVehicle(intervals, vi, node_visit)
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(routing.Start(vi)))
        routing.AddVariableMinimizedByFinalizer(tdim.CumulVar(end_idx))

    for n, job in enumerate(jobs):
        idx = manager.NodeToIndex(n)
        allowed = [vi for vi, v in enumerate(vehicles) if v.tech.can_do(job) and v.capacity > 0]
        if not allowed:
            routing.AddDisjunction([idx], UNASSIGNED_WEIGHT * job.priority)
            routing.ActiveVar(idx).SetValue(0)
            continue
        if len(allowed) < nv:
            # SetAllowedVehiclesForIndex's SWIG binding rejects Python lists in 9.15; -1 = unperformed.
            routing.VehicleVar(idx).SetValues([-1, *allowed])
        tdim.CumulVar(idx).SetRange(job.window_start, HORIZON)
        tdim.SetCumulVarSoftUpperBound(idx, job.window_end, LATENESS_WEIGHT * job.priority)
        routing.AddDisjunction([idx], UNASSIGNED_WEIGHT * job.priority)

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))

    solution = None
    routing.CloseModelWithParameters(params)  # so the time limit also bounds the warm-start restore
    if initial:
        job_node = {j.id: n for n, j in enumerate(jobs)}
        routes = [
            [manager.NodeToIndex(job_node[jid]) for jid in initial.get(v.tech.id, []) if jid in job_node]
            for v in vehicles
        ]
        seeded = routing.ReadAssignmentFromRoutes(routes, True)
        if seeded is not None:
            solution = routing.SolveFromAssignmentWithParameters(seeded, params)
    if solution is None:
        solution = routing.SolveWithParameters(params)
    if solution is None:
        return None
    out: dict[str, list[str]] = {}
    for vi, v in enumerate(vehicles):
        seq = []
        idx = solution.Value(routing.NextVar(routing.Start(vi)))
        while not routing.IsEnd(idx):
            seq.append(jobs[manager.IndexToNode(idx)].id)
            idx = solution.Value(routing.NextVar(idx))
        out[v.tech.id] = seq
    return out
