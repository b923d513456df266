//! Listener rule priorities: explicit ones as written, existing ones kept, new ones the lowest free number.
//! A priority held by a rule ecsnet does not own is never taken.

use std::collections::BTreeSet;

/// One service's rule, as far as priorities go.
pub struct PriorityRequest<'a> {
    pub service: &'a str,
    pub explicit: Option<u32>,
    /// The priority of the rule ecsnet made earlier for this service, if it still exists.
    pub existing: Option<u32>,
}

/// Assigns a priority to every request, in order. `Err` names a service whose explicit priority is taken by a
/// rule ecsnet does not own.
pub fn assign(requests: &[PriorityRequest], foreign: &BTreeSet<u32>) -> Result<Vec<u32>, (String, u32)> {
    let explicit: BTreeSet<u32> = requests.iter().filter_map(|request| request.explicit).collect();
    if let Some(request) =
        requests.iter().find(|request| request.explicit.is_some_and(|priority| foreign.contains(&priority)))
    {
        return Err((request.service.to_string(), request.explicit.unwrap_or_default()));
    }
    let mut taken: BTreeSet<u32> = foreign.union(&explicit).copied().collect();
    let mut assigned: Vec<Option<u32>> = requests
        .iter()
        .map(|request| {
            request.explicit.or_else(|| {
                let kept = request.existing.filter(|priority| !taken.contains(priority))?;
                taken.insert(kept);
                Some(kept)
            })
        })
        .collect();
    let mut next = 1;
    for slot in assigned.iter_mut().filter(|slot| slot.is_none()) {
        while taken.contains(&next) {
            next += 1;
        }
        taken.insert(next);
        *slot = Some(next);
    }
    Ok(assigned.into_iter().map(|slot| slot.unwrap_or_default()).collect())
}

/// What a rule matches, for ordering rules that can match the same request.
pub struct RuleShape<'a> {
    pub hosts: &'a [String],
    pub paths: &'a [String],
    /// An explicit priority is never moved.
    pub explicit: bool,
}

/// How specific a rule is: a rule with paths before one without; a longer literal path prefix before a shorter;
/// a rule with hosts before a path-only one.
fn specificity(shape: &RuleShape) -> (bool, usize, bool) {
    let literal = |path: &String| path.find(['*', '?']).unwrap_or(path.len());
    (!shape.paths.is_empty(), shape.paths.iter().map(literal).max().unwrap_or(0), !shape.hosts.is_empty())
}

/// Two rules can match the same request when they share a host, or when either matches any host.
fn overlap(a: &RuleShape, b: &RuleShape) -> bool {
    a.hosts.is_empty() || b.hosts.is_empty() || a.hosts.iter().any(|host| b.hosts.contains(host))
}

/// Reorders the priorities of rules that can match the same request so the more specific comes first. Only
/// groups with a rule out of order change, and only among the priorities they already hold, so other rules keep
/// theirs; explicit priorities never move.
pub fn order_by_specificity(shapes: &[RuleShape], mut priorities: Vec<u32>) -> Vec<u32> {
    let movable: Vec<usize> = (0..shapes.len()).filter(|&index| !shapes[index].explicit).collect();
    // Groups of movable rules connected by overlap.
    let mut group_of: Vec<usize> = (0..shapes.len()).collect();
    fn root(group_of: &mut [usize], index: usize) -> usize {
        let mut current = index;
        while group_of[current] != current {
            current = group_of[current];
        }
        group_of[index] = current;
        current
    }
    for (position, &a) in movable.iter().enumerate() {
        for &b in &movable[position + 1..] {
            if overlap(&shapes[a], &shapes[b]) {
                let (root_a, root_b) = (root(&mut group_of, a), root(&mut group_of, b));
                group_of[root_a] = root_b;
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for &index in &movable {
        let group = root(&mut group_of, index);
        groups.entry(group).or_default().push(index);
    }
    for members in groups.values() {
        let out_of_order = members.iter().any(|&a| {
            members.iter().any(|&b| {
                overlap(&shapes[a], &shapes[b])
                    && specificity(&shapes[a]) > specificity(&shapes[b])
                    && priorities[a] > priorities[b]
            })
        });
        if !out_of_order {
            continue;
        }
        let mut held: Vec<u32> = members.iter().map(|&index| priorities[index]).collect();
        held.sort_unstable();
        let mut ordered = members.clone();
        ordered.sort_by(|&a, &b| {
            specificity(&shapes[b]).cmp(&specificity(&shapes[a])).then(priorities[a].cmp(&priorities[b]))
        });
        for (index, priority) in ordered.into_iter().zip(held) {
            priorities[index] = priority;
        }
    }
    priorities
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(service: &str, explicit: Option<u32>, existing: Option<u32>) -> PriorityRequest<'_> {
        PriorityRequest { service, explicit, existing }
    }

    #[test]
    fn new_rules_take_the_lowest_free_priorities() {
        let foreign = BTreeSet::from([1, 3]);
        let got = assign(&[request("a", None, None), request("b", None, None), request("c", Some(2), None)], &foreign)
            .unwrap();
        assert_eq!(got, [4, 5, 2]);
    }

    #[test]
    fn existing_priorities_stay_when_a_service_is_added() {
        let got = assign(
            &[request("new", None, None), request("a", None, Some(1)), request("b", None, Some(2))],
            &BTreeSet::new(),
        )
        .unwrap();
        assert_eq!(got, [3, 1, 2]);
    }

    #[test]
    fn an_explicit_priority_wins_over_an_existing_one() {
        let got = assign(&[request("a", None, Some(5)), request("b", Some(5), None)], &BTreeSet::new()).unwrap();
        assert_eq!(got, [1, 5]);
    }

    #[test]
    fn a_foreign_rules_priority_is_never_stolen() {
        let foreign = BTreeSet::from([10]);
        assert_eq!(assign(&[request("a", Some(10), None)], &foreign), Err(("a".to_string(), 10)));
        assert_eq!(assign(&[request("a", None, Some(10))], &foreign).unwrap(), [1]);
    }

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    #[test]
    fn a_specific_path_goes_before_a_general_one_on_the_same_host() {
        let host = strings(&["api.example.com"]);
        let (general, specific) = (strings(&["/api/*"]), strings(&["/api/users", "/api/users/*"]));
        let shapes = [
            RuleShape { hosts: &host, paths: &general, explicit: false },
            RuleShape { hosts: &host, paths: &specific, explicit: false },
        ];
        assert_eq!(order_by_specificity(&shapes, vec![1, 2]), [2, 1]);
        assert_eq!(order_by_specificity(&shapes, vec![2, 1]), [2, 1], "already in order: nothing moves");
    }

    #[test]
    fn rules_on_other_hosts_and_explicit_priorities_keep_theirs() {
        let (a, b) = (strings(&["a.example.com"]), strings(&["b.example.com"]));
        let (root, deep) = (strings(&["/*"]), strings(&["/deep/path"]));
        let shapes = [
            RuleShape { hosts: &a, paths: &root, explicit: false },
            RuleShape { hosts: &b, paths: &deep, explicit: false },
            RuleShape { hosts: &a, paths: &deep, explicit: true },
        ];
        assert_eq!(order_by_specificity(&shapes, vec![1, 2, 3]), [1, 2, 3]);
    }

    #[test]
    fn a_path_only_rule_overlaps_every_host() {
        let (none, host) = (Vec::new(), strings(&["a.example.com"]));
        let (path, nothing) = (strings(&["/api/messages"]), Vec::new());
        let shapes = [
            RuleShape { hosts: &host, paths: &nothing, explicit: false },
            RuleShape { hosts: &none, paths: &path, explicit: false },
        ];
        assert_eq!(order_by_specificity(&shapes, vec![4, 9]), [9, 4]);
    }
}
