//! Which load balancer carries each service's rules when they outgrow one. An Application Load Balancer holds
//! 100 rules and forwards to at most 100 unique target groups, its listeners' default target groups included
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html; the second is
//! not adjustable). Stable: a service stays where its rules are; a new one goes to the first load balancer with
//! room, or to a new one; adding or removing a service never moves another.

/// What one load balancer holds for the services: rules, and target groups beside those every shard carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity {
    pub rules: usize,
    pub target_groups: usize,
}

/// One service's claim: its rules (one per listener), the target groups it adds to a load balancer, and where its
/// rules are now.
pub struct ShardRequest {
    pub rules: usize,
    pub target_groups: usize,
    pub existing: Option<u16>,
}

/// A shard for every request, in order, no shard holding more than `capacity`. A request too large for any shard
/// gets one of its own.
pub fn assign_shards(requests: &[ShardRequest], capacity: Capacity) -> Vec<u16> {
    let mut used: Vec<Capacity> = Vec::new();
    let mut assigned: Vec<Option<u16>> = vec![None; requests.len()];
    let room = |used: &mut Vec<Capacity>, shard: usize, request: &ShardRequest| {
        if used.len() <= shard {
            used.resize(shard + 1, Capacity { rules: 0, target_groups: 0 });
        }
        let taken = used[shard];
        let empty = taken == Capacity { rules: 0, target_groups: 0 };
        if empty
            || (taken.rules + request.rules <= capacity.rules
                && taken.target_groups + request.target_groups <= capacity.target_groups)
        {
            used[shard] = Capacity {
                rules: taken.rules + request.rules,
                target_groups: taken.target_groups + request.target_groups,
            };
            true
        } else {
            false
        }
    };
    for (index, request) in requests.iter().enumerate() {
        if let Some(shard) = request.existing {
            if room(&mut used, usize::from(shard), request) {
                assigned[index] = Some(shard);
            }
        }
    }
    for (index, request) in requests.iter().enumerate() {
        if assigned[index].is_some() {
            continue;
        }
        let mut shard = 0;
        while !room(&mut used, shard, request) {
            shard += 1;
        }
        assigned[index] = Some(shard as u16);
    }
    assigned.into_iter().map(|shard| shard.unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOMY: Capacity = Capacity { rules: 100, target_groups: 100 };

    fn new(rules: usize) -> ShardRequest {
        ShardRequest { rules, target_groups: 1, existing: None }
    }

    #[test]
    fn services_fill_one_load_balancer_then_the_next() {
        let requests: Vec<_> = (0..250).map(|_| new(1)).collect();
        let shards = assign_shards(&requests, ROOMY);
        assert_eq!((shards[0], shards[99], shards[100], shards[199], shards[200], shards[249]), (0, 0, 1, 1, 2, 2));
    }

    #[test]
    fn adding_or_removing_a_service_moves_no_other() {
        let mut requests: Vec<_> = (0..150)
            .map(|index| ShardRequest { rules: 1, target_groups: 1, existing: Some(if index < 100 { 0 } else { 1 }) })
            .collect();
        requests.remove(10);
        requests.push(new(1));
        let shards = assign_shards(&requests, ROOMY);
        assert!(shards[..99].iter().all(|shard| *shard == 0) && shards[99..149].iter().all(|shard| *shard == 1));
        assert_eq!(shards[149], 0, "the new service takes the freed room on the first load balancer");
    }

    #[test]
    fn a_service_on_two_listeners_counts_two_rules() {
        let shards = assign_shards(&[new(60), new(50)], ROOMY);
        assert_eq!(shards, [0, 1]);
    }

    #[test]
    fn target_groups_bound_a_load_balancer_as_rules_do() {
        // The empty default target group takes one of the 100: 99 services fit, the 100th goes to the next.
        let requests: Vec<_> = (0..100).map(|_| new(1)).collect();
        let shards = assign_shards(&requests, Capacity { rules: 100, target_groups: 99 });
        assert_eq!((shards[98], shards[99]), (0, 1));
        // A service whose group every shard carries anyway (a listener's default forward) adds none.
        let mut requests: Vec<_> = (0..99).map(|_| new(1)).collect();
        requests.push(ShardRequest { rules: 1, target_groups: 0, existing: None });
        assert!(assign_shards(&requests, Capacity { rules: 100, target_groups: 99 }).iter().all(|shard| *shard == 0));
    }

    #[test]
    fn a_request_larger_than_a_load_balancer_gets_one_of_its_own() {
        assert_eq!(assign_shards(&[new(1), new(120)], ROOMY), [0, 1]);
    }
}
