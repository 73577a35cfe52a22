//! A static k-d tree over points on the unit sphere for k-nearest-neighbour search with a
//! skill filter.
//!
//! Points are 3-D unit vectors, so the chord (straight-line) distance orders them exactly
//! as the great-circle distance does, with no special case at the date line or the
//! poles. The tree is implicit: one array, each subtree a contiguous range whose median
//! element splits it on the axis of widest spread, small ranges scanned as leaves. Every
//! splitting node also stores the union of its subtree's skills, so a search skips
//! subtrees with no matching installer; and the usual plane test prunes subtrees that
//! cannot hold anything nearer than the current k-th best. Ties are broken by the
//! points' input positions, so results are deterministic and equal to a brute-force
//! ranking by (distance, position).

use super::geo::{LatLon, chord2, chord2_to_m};
use super::skills::SkillSet;

/// Ranges at most this long are scanned instead of split.
const LEAF: usize = 8;

/// One point in the tree's array.
#[derive(Clone, Copy, Debug)]
struct Node {
    /// Unit vector.
    p: [f64; 3],
    /// Position of the point in the builder's input.
    index: u32,
    /// The point's skills (with the every-installer bit).
    skills: u8,
    /// Union of the skills in the subtree this node splits (splitting nodes only).
    subtree: u8,
    /// Split axis (splitting nodes only).
    axis: u8,
}

/// A point found by a search.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Neighbour {
    /// Position of the point in the input given to [`KdTree::build`].
    pub index: usize,
    /// Squared chord distance on the unit sphere.
    pub chord2: f64,
}

impl Neighbour {
    /// The great-circle distance in metres.
    pub fn distance_m(&self) -> f64 {
        chord2_to_m(self.chord2)
    }
}

/// A static k-d tree of points with skills.
#[derive(Clone, Debug, Default)]
pub struct KdTree {
    nodes: Vec<Node>,
}

impl KdTree {
    /// Builds the tree over `points` (at most `u32::MAX`); results refer to positions in it.
    pub fn build(points: &[(LatLon, SkillSet)]) -> Self {
        let mut nodes: Vec<Node> = points
            .iter()
            .zip(0u32..)
            .map(|((at, skills), index)| Node {
                p: at.unit_vector(),
                index,
                skills: skills.indexed_bits(),
                subtree: 0,
                axis: 0,
            })
            .collect();
        split(&mut nodes);
        Self { nodes }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree has no points.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The `k` points nearest `origin` whose skills match `filter`, nearest first, equal
    /// distances by input position.
    pub fn nearest(&self, origin: LatLon, filter: SkillSet, k: usize) -> Vec<Neighbour> {
        let mut best = Best::new(k);
        if k > 0 {
            search(&self.nodes, &origin.unit_vector(), filter.bits(), &mut best);
        }
        best.into_neighbours()
    }
}

/// Reference search by scanning every point: for tests and benchmarks.
pub fn brute_force_nearest(
    points: &[(LatLon, SkillSet)],
    origin: LatLon,
    filter: SkillSet,
    k: usize,
) -> Vec<Neighbour> {
    let q = origin.unit_vector();
    let mut all: Vec<Neighbour> = points
        .iter()
        .enumerate()
        .filter(|(_, (_, skills))| skills.matches(filter))
        .map(|(index, (at, _))| Neighbour {
            index,
            chord2: chord2(&q, &at.unit_vector()),
        })
        .collect();
    all.sort_by(|a, b| a.chord2.total_cmp(&b.chord2).then(a.index.cmp(&b.index)));
    all.truncate(k);
    all
}

/// Arranges `nodes` into a subtree; returns the union of its skills.
fn split(nodes: &mut [Node]) -> u8 {
    if nodes.len() <= LEAF {
        return nodes.iter().fold(0, |acc, n| acc | n.skills);
    }
    let axis = widest_axis(nodes);
    let mid = nodes.len() / 2;
    nodes.select_nth_unstable_by(mid, |a, b| a.p[axis].total_cmp(&b.p[axis]));
    let (left, rest) = nodes.split_at_mut(mid);
    let Some((node, right)) = rest.split_first_mut() else {
        return 0; // unreachable: `rest` holds at least LEAF elements
    };
    let union = split(left) | split(right) | node.skills;
    node.subtree = union;
    node.axis = axis as u8;
    union
}

fn widest_axis(nodes: &[Node]) -> usize {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for n in nodes {
        for a in 0..3 {
            lo[a] = lo[a].min(n.p[a]);
            hi[a] = hi[a].max(n.p[a]);
        }
    }
    let spread = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
    if spread[0] >= spread[1] && spread[0] >= spread[2] {
        0
    } else if spread[1] >= spread[2] {
        1
    } else {
        2
    }
}

fn search(nodes: &[Node], q: &[f64; 3], filter: u8, best: &mut Best) {
    if nodes.len() <= LEAF {
        for n in nodes {
            if n.skills & filter != 0 {
                best.offer(chord2(q, &n.p), n.index);
            }
        }
        return;
    }
    let mid = nodes.len() / 2;
    let node = &nodes[mid];
    if node.subtree & filter == 0 {
        return;
    }
    let diff = q[node.axis as usize] - node.p[node.axis as usize];
    let (near, far) = if diff < 0.0 {
        (&nodes[..mid], &nodes[mid + 1..])
    } else {
        (&nodes[mid + 1..], &nodes[..mid])
    };
    search(near, q, filter, best);
    if node.skills & filter != 0 {
        best.offer(chord2(q, &node.p), node.index);
    }
    // Every point beyond the plane is at least |diff| away; with `<=`, a point exactly as
    // far as the k-th best but earlier in the input can still win the tie.
    if diff * diff <= best.worst() {
        search(far, q, filter, best);
    }
}

/// The best `k` so far, sorted by (distance, index).
struct Best {
    k: usize,
    items: Vec<(f64, u32)>,
}

impl Best {
    fn new(k: usize) -> Self {
        Self {
            k,
            items: Vec::with_capacity(k + 1),
        }
    }

    /// The distance a candidate must not exceed to enter.
    #[inline]
    fn worst(&self) -> f64 {
        if self.items.len() < self.k {
            f64::INFINITY
        } else {
            self.items.last().map_or(f64::INFINITY, |w| w.0)
        }
    }

    #[inline]
    fn offer(&mut self, d: f64, index: u32) {
        let before = |item: &(f64, u32)| item.0 < d || (item.0 == d && item.1 < index);
        if self.items.len() == self.k && self.items.last().is_none_or(before) {
            return;
        }
        let at = self.items.partition_point(before);
        self.items.insert(at, (d, index));
        self.items.truncate(self.k);
    }

    fn into_neighbours(self) -> Vec<Neighbour> {
        self.items
            .into_iter()
            .map(|(chord2, index)| Neighbour {
                index: index as usize,
                chord2,
            })
            .collect()
    }
}
