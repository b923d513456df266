//! Which load balancer carries each service's rules when they outgrow one (AWS allows 100 rules on an
//! Application Load Balancer). Stable: a service stays where its rules are; a new one goes to the first load
//! balancer with room, or to a new one; adding or removing a service never moves another.

/// One service's claim: how many rules it needs (one per listener) and where its rules are now.
pub struct ShardRequest {
    pub rules: usize,
    pub existing: Option<u16>,
}

/// A shard for every request, in order, each shard holding at most `capacity` rules.
pub fn assign_shards(requests: &[ShardRequest], capacity: usize) -> Vec<u16> {
    let mut used: Vec<usize> = Vec::new();
    let mut assigned: Vec<Option<u16>> = vec![None; requests.len()];
    let room = |used: &mut Vec<usize>, shard: usize, rules: usize| {
        if used.len() <= shard {
            used.resize(shard + 1, 0);
        }
        if used[shard] + rules <= capacity {
            used[shard] += rules;
            true
        } else {
            false
        }
    };
    for (index, request) in requests.iter().enumerate() {
        if let Some(shard) = request.existing {
            if room(&mut used, usize::from(shard), request.rules) {
                assigned[index] = Some(shard);
            }
        }
    }
    for (index, request) in requests.iter().enumerate() {
        if assigned[index].is_some() {
            continue;
        }
        let mut shard = 0;
        while !room(&mut used, shard, request.rules) {
            shard += 1;
        }
        assigned[index] = Some(shard as u16);
    }
    assigned.into_iter().map(|shard| shard.unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(rules: usize) -> ShardRequest {
        ShardRequest { rules, existing: None }
    }

    #[test]
    fn services_fill_one_load_balancer_then_the_next() {
        let requests: Vec<_> = (0..250).map(|_| new(1)).collect();
        let shards = assign_shards(&requests, 100);
        assert_eq!((shards[0], shards[99], shards[100], shards[199], shards[200], shards[249]), (0, 0, 1, 1, 2, 2));
    }

    #[test]
    fn adding_or_removing_a_service_moves_no_other() {
        let mut requests: Vec<_> = (0..150).map(|index| ShardRequest { rules: 1, existing: Some(if index < 100 { 0 } else { 1 }) }).collect();
        requests.remove(10);
        requests.push(new(1));
        let shards = assign_shards(&requests, 100);
        assert!(shards[..99].iter().all(|shard| *shard == 0) && shards[99..149].iter().all(|shard| *shard == 1));
        assert_eq!(shards[149], 0, "the new service takes the freed room on the first load balancer");
    }

    #[test]
    fn a_service_on_two_listeners_counts_two_rules() {
        let shards = assign_shards(&[new(60), new(50)], 100);
        assert_eq!(shards, [0, 1]);
    }
}
