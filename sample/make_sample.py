#!/usr/bin/env python3
"""Deterministic generator of the synthetic "Harborview" ALPR sample data set.

The synthetic world
-------------------
Harborview is a fictional bay-side city of roughly 10 km x 8 km centred on
lat 37.80, lon -122.25.  Its west edge is the water front; three fictional
neighbouring jurisdictions share its other borders: Bay Heights (north),
Eastport (east) and Lakeside (south).  About 32 km to the south-east lies the
"Sunridge Mall" in a town that borders none of them.

Everything is built in a local metric frame (metres, origin at the city
centre, axes aligned with UTM zone 10N / EPSG:32610) and converted to
EPSG:4326 only when written.

* Streets: an irregular rectangular grid (170-240 m x 150-210 m blocks) plus
  three diagonal arterials, noded into a street graph.  It covers the city and
  extends 1.5 km into the neighbouring jurisdictions.
* Census tracts: a jittered 7 x 5 Voronoi tiling clipped to the city.  Per
  capita income follows a south-west (poor) to north-east (rich) gradient;
  Black and Hispanic shares are higher in poorer tracts.  The port tract (west
  water front) and the regional-park tract (north-east) have < 100 residents.
* Police headquarters: central-west, in a poorer part of the city.
* Patrol: three camera cars ("PATROL 1" reads far more than the others) drive
  shifts on the street graph.  Each shift starts and ends in the HQ lot; in
  between the car drives towards waypoints drawn with weights that grow as
  tract income falls and near HQ, loiters around each waypoint, takes a meal
  break, and occasionally crosses into a neighbouring jurisdiction.  One car
  makes a single trip to the mall (a gap in its reads, a cluster there).
  Reads are a Poisson process along the driven route (5 m GPS noise).
* Fixed cameras: two cameras on poles ("FIXED CAM 1" at the north-west
  entrance, "FIXED CAM 2" on the south-east arterial) read passing traffic
  all week, more by day (3 m GPS noise); most plates they read are passing
  cars, some are cars the patrols also read.  They come from their own random
  stream, so the patrols' reads are the same with or without them.
* Plates: each read picks a vehicle: a car parked on that block (a per-block
  pool, so blocks the patrol keeps revisiting produce repeat plates), a passing
  car from a very large regional pool (mostly seen once), a commuter (a small
  pool, moderate repeats), or - near HQ - one of five seven-digit exempt
  government plates that park at HQ and drive around it.  Plates follow
  California formats with a few vanity and out-of-state plates.  A small
  share of reads are OCR misreads (road-sign text, over-long reads), have
  null coordinates, or show the plate with a space/dash.
* Crimes (July 2014) cluster downtown (north-east-centre) and around parking
  hubs (auto-related categories), i.e. away from the patrol focus.
* Sensitive sites: a mosque and a clinic near HQ on heavily patrolled streets,
  the others in lightly patrolled areas.

Outputs (in OUTDIR, default: the folder of this script)
-------------------------------------------------------
* ``alpr_reads.csv.gz`` - one week (2014-07-14 .. 2014-07-20) of reads, shaped
  like a public-records export (columns ID, red_VRM, red_Timestamp, Location,
  Device, red_State, ImageFile).
* ``city.gpkg`` - layers city_boundary, neighbours, census_tracts, crimes,
  sensitive_sites, headquarters (EPSG:4326).

Usage: ``/usr/bin/python3 make_sample.py [OUTDIR]``.  The output is
byte-identical on every run (fixed seed, gzip mtime 0, fixed GeoPackage
timestamp).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np
from osgeo import gdal, ogr, osr
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.ops import transform as shapely_transform
from shapely.ops import unary_union, voronoi_diagram
from shapely.prepared import prep

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

# --------------------------------------------------------------------------
# Constants of the synthetic world (local metres, origin = city centre)
# --------------------------------------------------------------------------
SEED = 20140720
FIXED_SEED = SEED + 1  # the fixed cameras' own stream
FIXED_CAMERAS = [("FIXED CAM 1", (-4300.0, 3100.0)), ("FIXED CAM 2", (3900.0, -3100.0))]
FIXED_READS_PER_HOUR = (2.0, 9.0)  # night (22-6 h), day
FIXED_GPS_NOISE_M = 3.0
FIXED_SEEN_BY_PATROL = 0.25  # share of their reads that are cars the patrols also read
CENTER_LAT, CENTER_LON = 37.80, -122.25
WEEK_START = datetime(2014, 7, 14)  # Monday 00:00
N_DAYS = 7
DAY = 86400.0
GPKG_TIMESTAMP = "2014-07-21T00:00:00.000Z"  # fixed gpkg_contents.last_change

CITY_NAME = "Harborview"
CITY_VERTICES: list[tuple[float, float]] = [
    (-5100, -3900),
    (-2600, -4150),
    (-300, -3950),
    (2100, -4200),
    (4300, -3850),
    (5050, -2600),
    (4850, -600),
    (5200, 1200),
    (4900, 3000),
    (4400, 4050),
    (2200, 3850),
    (300, 4150),
    (-1800, 3950),
    (-3900, 4200),
    (-5000, 3700),
    (-4700, 1800),
    (-5300, 300),
    (-4900, -1300),
    (-5250, -2700),
]
# Neighbours: a box overlapping the city; the city is cut out of it so that the
# shared border is exactly the city boundary.  ``patrol`` is the share of patrol
# waypoints drawn inside that neighbour (cars crossing the border).
NEIGHBOURS: list[dict[str, Any]] = [
    {"name": "Bay Heights", "box": (-5300, 3000, 2600, 8500), "patrol": 0.01},
    {"name": "Eastport", "box": (2600, -8000, 10500, 8500), "patrol": 0.01},
    {"name": "Lakeside", "box": (-5500, -8500, 2600, -3000), "patrol": 0.022},
]
ROAD_BUFFER = 1500.0  # streets extend this far outside
HQ_NAME = "Harborview Police Department Headquarters"
HQ_XY = (-2550.0, -250.0)  # central-west, poorer side
MALL_NAME = "Sunridge Mall"
MALL_XY = (20000.0, -25000.0)  # ~32 km south-east of the centre
DOWNTOWN_XY = (1800.0, 1700.0)  # commercial core, north-east-centre
PARKING_HUBS: list[tuple[float, float]] = [  # auto-crime hot spots
    (2900.0, 2900.0),  # shopping district garages
    (3900.0, 500.0),  # transit park-and-ride
    (-600.0, 3500.0),  # marina lots
    (900.0, 2300.0),  # hospital garage
]
ARTERIALS: list[tuple[tuple[float, float], tuple[float, float]]] = [
    ((-6500, -6000), (6500, 5200)),
    ((-6500, 2600), (3500, -8000)),
    ((-6000, 600), (7000, 2300)),
]
GPS_SD = 3.5  # per-axis GPS noise, metres
SPEED_TRANSIT = (30.0, 40.0)  # km/h while heading to a waypoint
SPEED_LOITER = (25.0, 32.0)  # km/h while circling a neighbourhood
READS_PER_M = 0.0187  # base ALPR read rate per metre driven
MALL_READS_PER_M = 0.02  # in the mall parking lot (10 km/h)
CELL = 250.0  # size of a "block" of parked cars


def km_h(v: float) -> float:
    """Convert km/h to m/s."""
    return v / 3.6


# --------------------------------------------------------------------------
# Coordinates
# --------------------------------------------------------------------------
class Projector:
    """Local metres -> EPSG:4326 (lon, lat) via EPSG:32610."""

    def __init__(self) -> None:
        wgs = osr.SpatialReference()
        wgs.ImportFromEPSG(4326)
        wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        utm = osr.SpatialReference()
        utm.ImportFromEPSG(32610)
        utm.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self._to_wgs = osr.CoordinateTransformation(utm, wgs)
        x0, y0, _ = osr.CoordinateTransformation(wgs, utm).TransformPoint(CENTER_LON, CENTER_LAT)
        self.x0, self.y0 = x0, y0

    def lonlat(self, xs: Sequence[float], ys: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        pts = self._to_wgs.TransformPoints([(self.x0 + float(x), self.y0 + float(y)) for x, y in zip(xs, ys)])
        arr = np.asarray(pts, dtype=float).reshape(-1, 3)
        return arr[:, 0], arr[:, 1]

    def geom(self, g: BaseGeometry) -> BaseGeometry:
        def f(xs: Sequence[float], ys: Sequence[float], zs: Any = None) -> tuple[tuple[float, ...], tuple[float, ...]]:
            lon, lat = self.lonlat(xs, ys)
            return tuple(np.round(lon, 7)), tuple(np.round(lat, 7))

        return shapely_transform(f, g)


# --------------------------------------------------------------------------
# Polygons: city, neighbours, census tracts
# --------------------------------------------------------------------------
@dataclass
class Tract:
    geoid: str
    name: str
    geom: Polygon
    population: int
    income: int
    races: dict[str, int]


@dataclass
class World:
    city: Polygon
    neighbours: list[tuple[str, Polygon]]
    tracts: list[Tract]
    road_area: BaseGeometry


def make_neighbours(city: Polygon) -> list[tuple[str, Polygon]]:
    out = []
    for nb in NEIGHBOURS:
        g = box(*nb["box"]).difference(city)
        if g.geom_type != "Polygon":  # keep the main piece only
            g = max(g.geoms, key=lambda p: p.area)
        out.append((nb["name"], g))
    return out


def make_tracts(rng: np.random.Generator, city: Polygon) -> list[Tract]:
    """Voronoi tracts with an income gradient and race counts."""
    minx, miny, maxx, maxy = city.bounds
    ncol, nrow = 7, 5
    dx, dy = (maxx - minx) / ncol, (maxy - miny) / nrow
    seeds: list[tuple[float, float]] = []
    for r in range(nrow):  # south to north, west to east
        for c in range(ncol):
            x = minx + (c + 0.5 + rng.uniform(-0.3, 0.3)) * dx
            y = miny + (r + 0.5 + rng.uniform(-0.3, 0.3)) * dy
            if city.buffer(-150).contains(Point(x, y)):
                seeds.append((x, y))
    # A ring of far-away guard seeds bounds the outer cells (the ``envelope``
    # argument of voronoi_diagram crashes with this shapely/GEOS build).
    guards = [(30000 * math.cos(a), 30000 * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 12, endpoint=False)]
    cells = voronoi_diagram(MultiPoint(seeds + guards))
    regions: list[Polygon] = []
    for sx, sy in seeds:
        cell = next(c for c in cells.geoms if c.contains(Point(sx, sy)))
        regions.append(cell.intersection(city))

    # Income: log-linear gradient along the SW -> NE diagonal, plus noise.
    cents = np.array([(g.centroid.x, g.centroid.y) for g in regions])
    u = (cents[:, 0] + cents[:, 1]) / math.sqrt(2) / 4000.0
    log_inc = math.log(34000) + 0.6 * u + rng.normal(0, 0.12, len(regions))
    income = np.round(np.exp(log_inc), -1).astype(int)
    z = (log_inc - math.log(34000)) / 0.6  # standardised affluence

    # Population: area x density; the port and park tracts are nearly empty.
    area_km2 = np.array([g.area for g in regions]) / 1e6
    pop = np.round(area_km2 * 1800 * rng.lognormal(0, 0.3, len(regions)))
    port = int(np.argmin(np.hypot(cents[:, 0] + 4800, cents[:, 1] + 2500)))
    park = int(np.argmin(np.hypot(cents[:, 0] - 3800, cents[:, 1] - 3200)))
    pop[port] = rng.integers(20, 60)
    pop[park] = rng.integers(60, 99)

    races = ("pop_white", "pop_black", "pop_hispanic", "pop_asian", "pop_other")
    tracts = []
    for i, g in enumerate(regions):
        logits = np.array([0.3 + 1.3 * z[i], 0.1 - 1.1 * z[i], -0.8 * z[i], -0.3 + 0.2 * z[i], -1.6])
        logits += rng.normal(0, 0.25, 5)
        shares = np.exp(logits) / np.exp(logits).sum()
        counts = rng.multinomial(int(pop[i]), shares)
        code = f"{4801 + i:04d}00"
        tracts.append(
            Tract(
                geoid=f"06001{code}",
                name=f"Census Tract {4801 + i}",
                geom=g,
                population=int(pop[i]),
                income=int(income[i]),
                races=dict(zip(races, map(int, counts))),
            )
        )
    return tracts


def make_world(rng: np.random.Generator) -> World:
    city = Polygon(CITY_VERTICES)
    neighbours = make_neighbours(city)
    tracts = make_tracts(rng, city)
    near = city.buffer(ROAD_BUFFER)
    road_area = unary_union([city] + [g.intersection(near) for _, g in neighbours])
    return World(city, neighbours, tracts, road_area)


# --------------------------------------------------------------------------
# Street graph
# --------------------------------------------------------------------------
@dataclass
class Streets:
    xy: np.ndarray  # (n, 2) node coordinates
    nbrs: list[list[int]]  # adjacency lists
    tract: np.ndarray  # tract index, -1 outside the city
    region: np.ndarray  # -1 city, else neighbour index
    weight: np.ndarray = field(default_factory=lambda: np.zeros(0))
    density: np.ndarray = field(default_factory=lambda: np.zeros(0))

    def nearest(self, x: float, y: float, mask: np.ndarray | None = None) -> int:
        d = np.hypot(self.xy[:, 0] - x, self.xy[:, 1] - y)
        if mask is not None:
            d = np.where(mask, d, np.inf)
        return int(np.argmin(d))


def grid_positions(rng: np.random.Generator, lo: float, hi: float, smin: float, smax: float) -> list[float]:
    pos = [lo + rng.uniform(0, smin)]
    while pos[-1] < hi:
        pos.append(pos[-1] + rng.uniform(smin, smax))
    return pos


def make_streets(rng: np.random.Generator, world: World) -> Streets:
    minx, miny, maxx, maxy = world.road_area.bounds
    lines = [LineString([(x, miny - 1), (x, maxy + 1)]) for x in grid_positions(rng, minx, maxx, 170, 240)]
    lines += [LineString([(minx - 1, y), (maxx + 1, y)]) for y in grid_positions(rng, miny, maxy, 150, 210)]
    lines += [LineString(a) for a in ARTERIALS]
    network = unary_union(lines).intersection(world.road_area)  # noded

    index: dict[tuple[float, float], int] = {}
    coords: list[tuple[float, float]] = []
    edges: set[tuple[int, int]] = set()

    def node(p: tuple[float, ...]) -> int:
        key = (round(p[0], 1), round(p[1], 1))
        if key not in index:
            index[key] = len(coords)
            coords.append(key)
        return index[key]

    for line in getattr(network, "geoms", [network]):
        pts = list(line.coords)
        for p, q in zip(pts[:-1], pts[1:]):
            a, b = node(p), node(q)
            if a != b:
                edges.add((min(a, b), max(a, b)))
    nbrs: list[list[int]] = [[] for _ in coords]
    for a, b in sorted(edges):
        nbrs[a].append(b)
        nbrs[b].append(a)

    # keep the largest connected component
    comp = [-1] * len(coords)
    best: list[int] = []
    for s in range(len(coords)):
        if comp[s] >= 0:
            continue
        comp[s], stack, members = s, [s], [s]
        while stack:
            for m in nbrs[stack.pop()]:
                if comp[m] < 0:
                    comp[m] = s
                    stack.append(m)
                    members.append(m)
        if len(members) > len(best):
            best = members
    keep = sorted(best)
    remap = {old: new for new, old in enumerate(keep)}
    xy = np.array([coords[i] for i in keep])
    adj = [sorted(remap[m] for m in nbrs[i]) for i in keep]

    # which tract / neighbour each node is in
    tract = np.full(len(xy), -1)
    region = np.full(len(xy), -2)
    preps = [prep(t.geom) for t in world.tracts]
    nb_preps = [prep(g.buffer(1)) for _, g in world.neighbours]
    city_p = prep(world.city)
    for i, (x, y) in enumerate(xy):
        p = Point(x, y)
        if city_p.intersects(p):
            region[i] = -1
            tract[i] = next((k for k, tp in enumerate(preps) if tp.intersects(p)), -1)
            if tract[i] < 0:  # on the boundary: use nearest tract
                tract[i] = int(np.argmin([t.geom.distance(p) for t in world.tracts]))
        else:
            region[i] = next((k for k, np_ in enumerate(nb_preps) if np_.intersects(p)), 0)
    return Streets(xy=xy, nbrs=adj, tract=tract, region=region)


def tract_density_factor(world: World) -> np.ndarray:
    """Parked-car density of each tract relative to the median tract."""
    dens = np.array([t.population / (t.geom.area / 1e6) for t in world.tracts])
    return np.clip(dens / np.median(dens), 0.15, 1.6)


def set_patrol_weights(world: World, streets: Streets) -> None:
    """Waypoint weights: more patrol in poorer tracts and near HQ."""
    inc = np.array([t.income for t in world.tracts], dtype=float)
    dens_t = tract_density_factor(world)
    n = len(streets.xy)
    weight = np.zeros(n)
    density = np.full(n, 0.8)
    d_hq = np.hypot(streets.xy[:, 0] - HQ_XY[0], streets.xy[:, 1] - HQ_XY[1])
    in_city = streets.region == -1
    tr = streets.tract[in_city]
    weight[in_city] = (np.median(inc) / inc[tr]) ** 3.0 * dens_t[tr] + 2.0 * np.exp(-((d_hq[in_city] / 900.0) ** 2))
    density[in_city] = dens_t[tr]
    weight /= weight.sum()
    for k, nb in enumerate(NEIGHBOURS):
        sel = streets.region == k
        weight[sel] = nb["patrol"] / sel.sum()
        weight[in_city] *= 1.0 - nb["patrol"]
    streets.weight = weight
    streets.density = density


# --------------------------------------------------------------------------
# Patrol simulation
# --------------------------------------------------------------------------
CTX_DRIVE, CTX_HQ_LOT, CTX_PARKED, CTX_MALL = 0, 1, 2, 3
DEVICES = ["PATROL 1", "PATROL 2", "PATROL 3"]
DEVICE_RATE = [1.0, 0.42, 0.38]  # camera sensitivity per car


@dataclass
class Shift:
    device: int
    start: float  # seconds since WEEK_START
    end: float
    meal: tuple[float, float]  # (start, duration)
    mall_trip: float | None = None  # start time of the trip to the mall


def make_shifts(rng: np.random.Generator) -> list[Shift]:
    """Weekly rota: two day cars, one evening car; one mall trip."""

    def j(minutes: float) -> float:  # jitter in seconds
        return float(rng.normal(0, minutes * 60))

    h = 3600.0
    shifts: list[Shift] = []
    for d in range(N_DAYS):  # PATROL 1: every day, long days
        base = d * DAY
        if d < 5:
            s, e, m = 7.5 * h, 17.5 * h, 12.0 * h
        elif d == 5:
            s, e, m = 9.0 * h, 15.0 * h, 12.2 * h
        else:
            s, e, m = 10.0 * h, 14.5 * h, 12.0 * h
        shifts.append(Shift(0, base + s + j(8), base + e + j(15), (base + m + j(8), rng.uniform(35, 55) * 60)))
    for d in range(5):  # PATROL 2: weekdays
        base = d * DAY
        shifts.append(
            Shift(
                1,
                base + 8.5 * h + j(10),
                base + 16.5 * h + j(15),
                (base + 12.25 * h + j(8), rng.uniform(40, 55) * 60),
                mall_trip=base + 13.6 * h if d == 3 else None,
            )
        )
    for d in range(-1, N_DAYS):  # PATROL 3: evenings into the night
        base = d * DAY
        shifts.append(
            Shift(
                2, base + 15.5 * h + j(10), base + 25.5 * h + j(20), (base + 19.5 * h + j(15), rng.uniform(30, 45) * 60)
            )
        )
    return shifts


class PatrolSim:
    """Drives the cars and collects read events (time, position, context)."""

    def __init__(self, rng: np.random.Generator, streets: Streets) -> None:
        self.rng = rng
        self.s = streets
        self.hq_node = streets.nearest(*HQ_XY, mask=streets.region == -1)
        self.target_p = streets.weight / streets.weight.sum()
        self.sqrt_w = np.sqrt(streets.weight + 1e-9)
        self.ev: dict[str, list[Any]] = {k: [] for k in ("dev", "t", "x", "y", "ctx")}

    # -- event helpers --------------------------------------------------
    def _emit(self, dev: int, ts: np.ndarray, xs: np.ndarray, ys: np.ndarray, ctx: int) -> None:
        k = len(ts)
        self.ev["dev"].append(np.full(k, dev))
        self.ev["t"].append(ts)
        self.ev["x"].append(xs)
        self.ev["y"].append(ys)
        self.ev["ctx"].append(np.full(k, ctx))

    def _stationary(
        self, dev: int, t0: float, dur: float, per_min: float, xy: tuple[float, float], spread: float, ctx: int
    ) -> None:
        """Reads while the car stands still (HQ lot, meal break)."""
        k = self.rng.poisson(per_min * dur / 60 * DEVICE_RATE[dev])
        ts = np.sort(t0 + self.rng.random(k) * dur)
        off = self.rng.normal(0, spread, (k, 2))
        self._emit(dev, ts, xy[0] + off[:, 0], xy[1] + off[:, 1], ctx)

    def _drive_edge(self, dev: int, a: int, b: int, t0: float, speed: float) -> float:
        p, q = self.s.xy[a], self.s.xy[b]
        length = float(np.hypot(*(q - p)))
        dt = length / km_h(speed)
        lam = READS_PER_M * DEVICE_RATE[dev] * length * self.s.density[a]
        k = self.rng.poisson(lam)
        if k:
            f = np.sort(self.rng.random(k))
            noise = self.rng.normal(0, GPS_SD, (k, 2))
            pts = p + f[:, None] * (q - p) + noise
            self._emit(dev, t0 + f * dt, pts[:, 0], pts[:, 1], CTX_DRIVE)
        return t0 + dt

    # -- movement ---------------------------------------------------------
    def _next_node(self, node: int, prev: int, target: int | None) -> int:
        cand = [c for c in self.s.nbrs[node] if c != prev] or self.s.nbrs[node]
        if target is not None and self.rng.random() < 0.8:  # head to waypoint
            d = np.hypot(*(self.s.xy[cand] - self.s.xy[target]).T)
            return cand[int(np.argmin(d))]
        w = self.sqrt_w[cand]  # wander
        return cand[int(self.rng.choice(len(cand), p=w / w.sum()))]

    def _drive(self, dev: int, node: int, t: float, t_stop: float, home: bool = False) -> tuple[int, float]:
        """Waypoint/loiter patrol until ``t_stop``; with ``home`` drive to HQ."""
        prev = -1
        while t < t_stop or home:
            target = self.hq_node if home else int(self.rng.choice(len(self.target_p), p=self.target_p))
            for _ in range(400):  # transit leg
                if node == target:
                    break
                nxt = self._next_node(node, prev, target)
                t = self._drive_edge(dev, node, nxt, t, self.rng.uniform(*SPEED_TRANSIT))
                prev, node = node, nxt
                if t >= t_stop and not home:
                    return node, t
            if home:
                return node, t
            for _ in range(8 + self.rng.poisson(18)):  # loiter
                nxt = self._next_node(node, prev, None)
                t = self._drive_edge(dev, node, nxt, t, self.rng.uniform(*SPEED_LOITER))
                prev, node = node, nxt
                if t >= t_stop:
                    break
        return node, t

    def _mall_visit(self, dev: int, t0: float) -> float:
        """Drive the aisles of the mall parking lot (serpentine route)."""
        mx, my = MALL_XY
        path: list[tuple[float, float]] = []
        for i, y in enumerate(np.arange(-120, 121, 30)):
            xs = (-170, 170) if i % 2 == 0 else (170, -170)
            path += [(mx + xs[0], my + y), (mx + xs[1], my + y)]
        path_xy = np.array(path + [path[0]])
        seg = np.hypot(*np.diff(path_xy, axis=0).T)
        cum = np.concatenate([[0], np.cumsum(seg)])
        dur = self.rng.uniform(55, 70) * 60
        dist = km_h(10.0) * dur
        k = self.rng.poisson(MALL_READS_PER_M * dist)  # rows of parked cars
        s = np.sort(self.rng.random(k)) * dist
        pos = s % cum[-1]
        noise = self.rng.normal(0, GPS_SD, (k, 2))
        xs = np.interp(pos, cum, path_xy[:, 0]) + noise[:, 0]
        ys = np.interp(pos, cum, path_xy[:, 1]) + noise[:, 1]
        self._emit(dev, t0 + s / km_h(10.0), xs, ys, CTX_MALL)
        return t0 + dur

    def run_shift(self, sh: Shift) -> None:
        t = sh.start
        warm = self.rng.uniform(5, 15) * 60  # HQ lot
        self._stationary(sh.device, t, warm, 1.6, HQ_XY, 12.0, CTX_HQ_LOT)
        node, t = self._drive(sh.device, self.hq_node, t + warm, sh.meal[0])
        meal_xy = tuple(self.s.xy[node])  # meal break
        self._stationary(sh.device, t, sh.meal[1], 0.5, meal_xy, 8.0, CTX_PARKED)
        t += sh.meal[1]
        if sh.mall_trip is not None:
            node, t = self._drive(sh.device, node, t, sh.mall_trip)
            t += self.rng.uniform(30, 40) * 60  # freeway, no reads
            t = self._mall_visit(sh.device, t)
            t += self.rng.uniform(30, 40) * 60
            node = self.hq_node
        node, t = self._drive(sh.device, node, t, sh.end)
        node, t = self._drive(sh.device, node, t, t, home=True)  # back to HQ
        self._stationary(sh.device, t, self.rng.uniform(3, 8) * 60, 1.6, HQ_XY, 12.0, CTX_HQ_LOT)

    def events(self) -> dict[str, np.ndarray]:
        ev = {k: np.concatenate(v) for k, v in self.ev.items()}
        keep = (ev["t"] >= 0) & (ev["t"] < N_DAYS * DAY)
        ev = {k: v[keep] for k, v in ev.items()}
        order = np.lexsort((ev["dev"], ev["t"]))
        return {k: v[order] for k, v in ev.items()}


# --------------------------------------------------------------------------
# Plates
# --------------------------------------------------------------------------
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # CA sequential plates skip I, O, Q
DIGITS = "0123456789"
VANITY = [
    "STOP4ME",
    "CAT123",
    "ILUVCAT",
    "GOBEARS",
    "SURFN",
    "BAYAREA",
    "GR8FUL",
    "ZEN4U",
    "IH8MNDY",
    "RN4LIFE",
    "YOGAMOM",
    "JAZZMAN",
    "SLOWDWN",
    "PUGLIFE",
    "GOLFNUT",
    "TACOS",
    "SAILOR",
    "KITTY",
    "MYTESLA",
    "DOC2U",
    "HIKER",
    "TOFU",
    "BKWORM",
    "4MYKIDS",
    "NRDLIFE",
]
VANITY_WORDS = [
    "CAT",
    "DOG",
    "SURF",
    "BAY",
    "GOLF",
    "JAZZ",
    "HIKE",
    "ZEN",
    "LUV",
    "MOM",
    "DAD",
    "GRAM",
    "OAK",
    "SEA",
    "SUN",
    "RUN",
    "BIKE",
    "TACO",
    "BOBA",
    "NERD",
    "FISH",
    "BEE",
    "ROSE",
    "KING",
]
SIGNS = {
    "CROSSWALK": 6,
    "CR0SSWALK": 3,
    "ROSSWALK": 2,
    "CROSSWAL": 2,
    "CAUTION": 3,
    "CAUT10N": 2,
    "CAUTIC1N": 1,
    "PARKIMG": 2,
    "NOPARKING": 2,
    "ONE WAY": 2,
    "TOW AWAY": 2,
    "STOP": 3,
    "YIELD": 2,
    "SCH00L": 2,
}
OUT_STATES = {"NV": 0.3, "OR": 0.25, "AZ": 0.25, "TX": 0.2}


class PlateFactory:
    """Creates unique plate strings in California and other formats."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.vanity = list(VANITY)

    def _pick(self, alphabet: str, n: int) -> str:
        return "".join(alphabet[i] for i in self.rng.integers(0, len(alphabet), n))

    def _unique(self, make: Callable[[], str]) -> str:
        while True:
            p = make()
            if p not in self.used:
                self.used.add(p)
                return p

    def _vanity(self) -> str:
        if self.vanity:
            return self.vanity.pop(0)
        w = VANITY_WORDS[self.rng.integers(len(VANITY_WORDS))]
        if self.rng.random() < 0.3:
            tail = str(self.rng.choice(["4ME", "4U", "LUV", "GUY", "GRL", "ME"]))
        else:
            tail = str(self.rng.integers(1, 1000))
        return (w + tail)[:7]

    def california(self) -> str:
        r = self.rng.random()
        if r < 0.015:
            return self._unique(self._vanity)
        if r < 0.80:  # 7ABC123 (first digit = issue era, mostly 5-7 in 2014)
            return self._unique(
                lambda: str(self.rng.choice([1, 2, 3, 4, 5, 6, 7], p=[0.03, 0.05, 0.08, 0.12, 0.2, 0.27, 0.25]))
                + self._pick(LETTERS, 3)
                + self._pick(DIGITS, 3)
            )
        if r < 0.85:  # old ABC123
            return self._unique(lambda: self._pick(LETTERS, 3) + self._pick(DIGITS, 3))
        if r < 0.88:  # old 123ABC
            return self._unique(lambda: self._pick(DIGITS, 3) + self._pick(LETTERS, 3))
        return self._unique(  # commercial 1A23456
            lambda: self._pick("1234589", 1) + self._pick(LETTERS, 1) + self._pick(DIGITS, 5)
        )

    def other_state(self, state: str) -> str:
        if state == "NV":
            return self._unique(lambda: self._pick(DIGITS, 3) + self._pick(LETTERS, 1) + self._pick(DIGITS, 2))
        if state == "OR":
            return self._unique(lambda: self._pick(DIGITS, 3) + self._pick(LETTERS, 3))
        return self._unique(lambda: self._pick(LETTERS, 3) + self._pick(DIGITS, 4))

    def government(self) -> str:
        """California exempt plate: seven digits."""
        return self._unique(lambda: "1" + self._pick(DIGITS, 6))


@dataclass
class PlatePools:
    """Vehicle populations a read can come from."""

    gov_weights: np.ndarray = field(default_factory=lambda: np.array([0.34, 0.24, 0.18, 0.14, 0.10]))
    n_staff: int = 14  # private cars of HQ staff
    n_commuters: int = 6000  # regional cars seen several times a week
    n_regional: int = 600_000  # passing traffic: mostly seen once
    n_mall: int = 40_000
    p_local_drive: float = 0.50  # share of driving reads that are parked cars
    p_commuter: float = 0.12  # share of the other driving reads
    p_gov_hq: float = 0.09  # gov share of driving reads next to HQ
    gov_radius: float = 900.0  # metres
    block_cars: float = 28.0  # parked cars per block at median density


def assign_plates(rng: np.random.Generator, ev: dict[str, np.ndarray], world: World) -> tuple[list[str], list[str]]:
    """Pick a vehicle for every read; return (plate, state) lists."""
    pools = PlatePools()
    factory = PlateFactory(rng)
    registry: dict[tuple[Any, ...], tuple[str, str]] = {}
    gov_keys = [("G", i) for i in range(len(pools.gov_weights))]
    for key in gov_keys:
        registry[key] = (factory.government(), "CA")

    # parked cars per block (cell) from tract density
    dens_t = tract_density_factor(world)
    cells: dict[tuple[int, int], int] = {}

    def block_size(cx: int, cy: int) -> int:
        if (cx, cy) not in cells:
            p = Point((cx + 0.5) * CELL, (cy + 0.5) * CELL)
            k = next((i for i, t in enumerate(world.tracts) if t.geom.contains(p)), -1)
            f = dens_t[k] if k >= 0 else 0.8
            cells[(cx, cy)] = max(3, int(round(pools.block_cars * f)))
        return cells[(cx, cy)]

    def state_for(kind: str) -> str:
        p_out = {"L": 0.006, "C": 0.01, "T": 0.035, "M": 0.05, "S": 0.0}[kind]
        if rng.random() >= p_out:
            return "CA"
        states = list(OUT_STATES)
        return str(rng.choice(states, p=list(OUT_STATES.values())))

    n = len(ev["t"])
    u = rng.random((n, 3))
    d_hq = np.hypot(ev["x"] - HQ_XY[0], ev["y"] - HQ_XY[1])
    plates, states = [], []
    for i in range(n):
        ctx = ev["ctx"][i]
        if ctx == CTX_HQ_LOT:
            if u[i, 0] < 0.55:
                key: tuple[Any, ...] = gov_keys[rng.choice(len(gov_keys), p=pools.gov_weights)]
            else:
                key = ("S", int(u[i, 1] * pools.n_staff))
        elif ctx == CTX_MALL:
            key = ("M", int(u[i, 1] * pools.n_mall)) if u[i, 0] > 0.03 else ("C", int(u[i, 1] * pools.n_commuters))
        elif ctx == CTX_DRIVE and u[i, 0] < pools.p_gov_hq * math.exp(-((d_hq[i] / pools.gov_radius) ** 2)):
            key = gov_keys[rng.choice(len(gov_keys), p=pools.gov_weights)]
        elif ctx == CTX_DRIVE and u[i, 1] < pools.p_local_drive:
            cx, cy = int(ev["x"][i] // CELL), int(ev["y"][i] // CELL)
            size = block_size(cx, cy)
            key = ("L", cx, cy, int(size * u[i, 2] ** 1.7))  # some park daily
        elif u[i, 2] < pools.p_commuter:
            key = ("C", int(rng.random() ** 2 * pools.n_commuters))
        else:
            key = ("T", int(rng.random() * pools.n_regional))
        if key not in registry:
            st = state_for(key[0])
            registry[key] = (factory.california() if st == "CA" else factory.other_state(st), st)
        plate, st = registry[key]
        plates.append(plate)
        states.append(st)
    return plates, states


def add_read_errors(
    rng: np.random.Generator, plates: list[str], states: list[str]
) -> tuple[list[str], list[str], np.ndarray]:
    """OCR misreads, export formatting quirks and GPS failures.

    Returns the edited plate/state lists and a per-row null-location code
    (0 = fine, 1 = empty, 2 = "(0.0, 0.0)", 3 = "(0, 0)").
    """
    n = len(plates)
    r = rng.random(n)
    sign_names = list(SIGNS)
    sign_p = np.array(list(SIGNS.values()), dtype=float)
    sign_p /= sign_p.sum()
    plates, states = list(plates), list(states)
    for i in np.flatnonzero(r < 0.0018):  # a road sign was read
        plates[i] = str(rng.choice(sign_names, p=sign_p))
        states[i] = ""
    for i in np.flatnonzero((r >= 0.0018) & (r < 0.0024)):  # over-long read
        p = plates[i]
        extra = str(rng.choice(["1", "I", "7", "CA", "CAL", p[-1], p[-2:]]))
        p = extra + p if rng.random() < 0.3 else p + extra
        while len(p) < 8:
            p += p[-1]
        plates[i] = p[:10]
        states[i] = ""
    for i in np.flatnonzero((r >= 0.0024) & (r < 0.0029)):  # exported with a gap
        p = plates[i]
        if len(p) == 7 and p[0].isdigit() and p[1:4].isalpha() and p[4:].isdigit():
            plates[i] = p[:4] + str(rng.choice([" ", "-"])) + p[4:]
    null = np.where(rng.random(n) < 0.0015, rng.integers(1, 4, n), 0)
    return plates, states, null


# --------------------------------------------------------------------------
# Reads CSV
# --------------------------------------------------------------------------
def write_reads(
    path: Path,
    rng: np.random.Generator,
    ev: dict[str, np.ndarray],
    plates: list[str],
    states: list[str],
    null: np.ndarray,
    proj: Projector,
) -> int:
    n = len(plates)
    ids = 48_211_904 + np.cumsum(rng.geometric(0.45, n))  # increasing, gaps
    lon, lat = proj.lonlat(ev["x"], ev["y"])
    rows = []
    for i in range(n):
        ts = WEEK_START + timedelta(seconds=int(ev["t"][i]))
        loc = f"({lat[i]:.5f}, {lon[i]:.5f})" if null[i] == 0 else ["", "(0.0, 0.0)", "(0, 0)"][null[i] - 1]
        rows.append((ts, int(ids[i]), plates[i], loc, DEVICES[ev["dev"][i]], states[i]))
    rows += fixed_camera_reads(proj, plates, states)
    rows.sort(key=lambda row: row[0])  # (stable: the patrols' reads keep their order)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["ID", "red_VRM", "red_Timestamp", "Location", "Device", "red_State", "ImageFile"])
    for ts, rid, plate, loc, device, state in rows:
        clean = plate.replace(" ", "").replace("-", "")
        w.writerow(
            [rid, plate, ts.strftime("%m/%d/%Y %I:%M:%S %p"), loc, device, state, f"IMG_{ts:%Y%m%d_%H%M%S}_{clean}.jpg"]
        )
    with open(path, "wb") as raw, gzip.GzipFile(filename="alpr_reads.csv", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return len(rows)


def fixed_camera_reads(proj: Projector, plates: list[str], states: list[str]) -> list[tuple]:
    """The fixed cameras' reads, from their own random stream: (time, ID, plate, location, device, state)."""
    rng = np.random.default_rng(FIXED_SEED)
    factory = PlateFactory(rng)
    seen = [(p, s) for p, s in zip(plates, states) if s == "CA" and p.isalnum() and 5 <= len(p) <= 7]
    rows = []
    next_id = 61_500_000
    for device, (cx, cy) in FIXED_CAMERAS:
        t = 0.0
        while True:
            hour = (t // 3600) % 24
            rate = FIXED_READS_PER_HOUR[1] if 6 <= hour < 22 else FIXED_READS_PER_HOUR[0]
            t += rng.exponential(3600.0 / rate)
            if t >= N_DAYS * DAY:
                break
            if rng.random() < FIXED_SEEN_BY_PATROL:
                plate, state = seen[int(rng.integers(0, len(seen)))]
            else:
                plate, state = factory.california(), "CA"
            x, y = cx + rng.normal(0, FIXED_GPS_NOISE_M), cy + rng.normal(0, FIXED_GPS_NOISE_M)
            lon, lat = proj.lonlat([x], [y])
            next_id += int(rng.integers(1, 4))
            ts = WEEK_START + timedelta(seconds=int(t))
            rows.append((ts, next_id, plate, f"({lat[0]:.5f}, {lon[0]:.5f})", device, state))
    return rows


# --------------------------------------------------------------------------
# Crimes and sensitive sites
# --------------------------------------------------------------------------
CRIME_TYPES: dict[str, tuple[float, bool, list[str]]] = {
    # category: (share, auto-related, descriptions)
    "VEHICLE THEFT": (0.09, True, ["STOLEN AUTOMOBILE", "STOLEN TRUCK", "STOLEN MOTORCYCLE"]),
    "AUTO BURGLARY": (0.12, True, ["BURGLARY OF VEHICLE - WINDOW SMASH", "THEFT FROM LOCKED VEHICLE"]),
    "STOLEN PLATE": (0.03, True, ["STOLEN LICENSE PLATE", "LOST/STOLEN PLATE"]),
    "ASSAULT": (0.12, False, ["BATTERY", "ASSAULT WITH DEADLY WEAPON", "SIMPLE ASSAULT"]),
    "BURGLARY - RESIDENTIAL": (0.10, False, ["FORCED ENTRY - RESIDENCE", "BURGLARY - NO FORCED ENTRY"]),
    "VANDALISM": (0.12, False, ["GRAFFITI", "MALICIOUS MISCHIEF", "PROPERTY DAMAGE"]),
    "ROBBERY": (0.07, False, ["STRONG-ARM ROBBERY", "ARMED ROBBERY - STREET"]),
    "THEFT": (0.25, False, ["PETTY THEFT", "GRAND THEFT", "SHOPLIFTING"]),
    "NARCOTICS": (0.10, False, ["POSSESSION OF CONTROLLED SUBSTANCE", "SALE OF NARCOTICS"]),
}


def address_point(
    rng: np.random.Generator, streets: Streets, x: float, y: float, city_nodes: np.ndarray, setback: tuple[float, float]
) -> tuple[float, float]:
    """Snap (x, y) to a street address: along a street next to the nearest node."""
    d = np.hypot(streets.xy[city_nodes, 0] - x, streets.xy[city_nodes, 1] - y)
    a = int(city_nodes[np.argmin(d)])
    b = streets.nbrs[a][int(rng.integers(len(streets.nbrs[a])))]
    p, q = streets.xy[a], streets.xy[b]
    f = rng.uniform(0.1, 0.45)
    direction = (q - p) / max(np.hypot(*(q - p)), 1e-9)
    side = rng.choice([-1.0, 1.0]) * rng.uniform(*setback)
    pt = p + f * (q - p) + side * np.array([-direction[1], direction[0]])
    return float(pt[0]), float(pt[1])


def make_crimes(rng: np.random.Generator, world: World, streets: Streets) -> list[tuple[Point, dict[str, Any]]]:
    """~3,000 July 2014 incidents: downtown + parking hubs + population-spread."""
    city_p = prep(world.city)
    city_nodes = np.flatnonzero(streets.region == -1)
    pops = np.array([t.population for t in world.tracts], dtype=float)
    cats = list(CRIME_TYPES)
    shares = np.array([CRIME_TYPES[c][0] for c in cats])
    n = 3000 + int(rng.integers(-60, 60))
    month_start = datetime(2014, 7, 1)
    hour_w = np.array([4, 3, 3, 2, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 5, 5, 6, 6, 7, 7, 7, 6, 6, 5], dtype=float)
    records = []
    for _ in range(n):
        cat = cats[int(rng.choice(len(cats), p=shares / shares.sum()))]
        auto = CRIME_TYPES[cat][1]
        while True:
            mode = rng.random()
            if auto and mode < 0.7:
                hx, hy = PARKING_HUBS[int(rng.integers(len(PARKING_HUBS)))]
                x, y = rng.normal(hx, 320), rng.normal(hy, 320)
            elif not auto and mode < 0.5:
                x, y = rng.normal(DOWNTOWN_XY[0], 700), rng.normal(DOWNTOWN_XY[1], 700)
            else:  # anywhere, in proportion to population
                t = world.tracts[int(rng.choice(len(pops), p=pops / pops.sum()))]
                minx, miny, maxx, maxy = t.geom.bounds
                x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
                if not t.geom.contains(Point(x, y)):
                    continue
            if city_p.contains(Point(x, y)):
                break
        x, y = address_point(rng, streets, x, y, city_nodes, (6, 20))
        if not city_p.contains(Point(x, y)):
            continue
        when = month_start + timedelta(
            days=int(rng.integers(31)),
            hours=int(rng.choice(24, p=hour_w / hour_w.sum())),
            minutes=int(rng.integers(60)),
        )
        desc = CRIME_TYPES[cat][2][int(rng.integers(len(CRIME_TYPES[cat][2])))]
        records.append((when, Point(x, y), cat, desc))
    records.sort(key=lambda r: r[0])
    ids = 140_300_000 + np.cumsum(rng.integers(1, 25, len(records)))
    return [
        (pt, {"crime_id": int(cid), "category": cat, "description": desc, "occurred": when.isoformat()})
        for cid, (when, pt, cat, desc) in zip(ids, records)
    ]


SENSITIVE_SITES: list[tuple[str, str, tuple[float, float]]] = [
    # name, site_type, approximate local position
    ("Masjid Al-Rahma", "mosque", (-2150.0, -650.0)),  # near HQ
    ("Clinica Popular de la Bahia", "clinic", (-3500.0, -2300.0)),  # poor SW
    ("St. Brendan Catholic Church", "church", (2300.0, 2600.0)),
    ("Harborview Women's Health Center", "clinic", (3300.0, 1600.0)),
    ("Eastside Guns & Ammo", "gun shop", (4100.0, -1500.0)),
    ("Hillcrest Elementary School", "school", (1200.0, 3200.0)),
    ("Ruiz & Okafor Immigration Law", "immigration lawyer", (1700.0, 1200.0)),
]


def make_sites(rng: np.random.Generator, streets: Streets) -> list[tuple[Point, dict[str, Any]]]:
    city_nodes = np.flatnonzero(streets.region == -1)
    out = []
    for name, kind, (x, y) in SENSITIVE_SITES:
        px, py = address_point(rng, streets, x, y, city_nodes, (15, 25))
        out.append((Point(px, py), {"name": name, "site_type": kind}))
    return out


# --------------------------------------------------------------------------
# GeoPackage
# --------------------------------------------------------------------------
@dataclass
class LayerSpec:
    name: str
    geom_type: int
    fields: list[tuple[str, int]]
    features: list[tuple[BaseGeometry, dict[str, Any]]]


def write_gpkg(path: Path, layers: Iterable[LayerSpec], proj: Projector) -> None:
    gdal.SetConfigOption("OGR_CURRENT_DATE", GPKG_TIMESTAMP)
    if path.exists():
        path.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    ds.StartTransaction()
    for spec in layers:
        lyr = ds.CreateLayer(spec.name, srs, spec.geom_type, options=["GEOMETRY_NAME=geom", "FID=fid"])
        for fname, ftype in spec.fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        defn = lyr.GetLayerDefn()
        for geom, attrs in spec.features:
            feat = ogr.Feature(defn)
            for k, v in attrs.items():
                feat.SetField(k, v)
            feat.SetGeometry(ogr.CreateGeometryFromWkb(proj.geom(geom).wkb))
            lyr.CreateFeature(feat)
    ds.CommitTransaction()
    ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)


def gpkg_layers(
    world: World, crimes: list[tuple[Point, dict[str, Any]]], sites: list[tuple[Point, dict[str, Any]]]
) -> list[LayerSpec]:
    txt, num = ogr.OFTString, ogr.OFTInteger
    tract_fields = [
        ("geoid", txt),
        ("name", txt),
        ("population", num),
        ("per_capita_income", num),
        ("pop_white", num),
        ("pop_black", num),
        ("pop_hispanic", num),
        ("pop_asian", num),
        ("pop_other", num),
    ]
    tract_feats = [
        (
            t.geom,
            {"geoid": t.geoid, "name": t.name, "population": t.population, "per_capita_income": t.income, **t.races},
        )
        for t in world.tracts
    ]
    poly = ogr.wkbPolygon
    if any(t.geom.geom_type != "Polygon" for t in world.tracts):
        poly = ogr.wkbMultiPolygon
    return [
        LayerSpec("city_boundary", ogr.wkbPolygon, [("name", txt)], [(world.city, {"name": CITY_NAME})]),
        LayerSpec("neighbours", ogr.wkbPolygon, [("name", txt)], [(g, {"name": name}) for name, g in world.neighbours]),
        LayerSpec("census_tracts", poly, tract_fields, tract_feats),
        LayerSpec(
            "crimes",
            ogr.wkbPoint,
            [("crime_id", num), ("category", txt), ("description", txt), ("occurred", txt)],
            crimes,
        ),
        LayerSpec("sensitive_sites", ogr.wkbPoint, [("name", txt), ("site_type", txt)], sites),
        LayerSpec("headquarters", ogr.wkbPoint, [("name", txt)], [(Point(HQ_XY), {"name": HQ_NAME})]),
    ]


# --------------------------------------------------------------------------
def main(argv: list[str]) -> None:
    outdir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    proj = Projector()

    world = make_world(rng)
    streets = make_streets(rng, world)
    set_patrol_weights(world, streets)

    sim = PatrolSim(rng, streets)
    for sh in make_shifts(rng):
        sim.run_shift(sh)
    ev = sim.events()
    plates, states = assign_plates(rng, ev, world)
    plates, states, null = add_read_errors(rng, plates, states)
    n_reads = write_reads(outdir / "alpr_reads.csv.gz", rng, ev, plates, states, null, proj)

    crimes = make_crimes(rng, world, streets)
    sites = make_sites(rng, streets)
    write_gpkg(outdir / "city.gpkg", gpkg_layers(world, crimes, sites), proj)

    print(
        f"{n_reads} reads, {len(set(plates))} distinct plates, "
        f"{len(world.tracts)} tracts, {len(crimes)} crimes, {len(sites)} sites "
        f"-> {outdir}"
    )


if __name__ == "__main__":
    main(sys.argv)
