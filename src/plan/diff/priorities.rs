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
    if let Some(request) = requests.iter().find(|request| request.explicit.is_some_and(|priority| foreign.contains(&priority))) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(service: &str, explicit: Option<u32>, existing: Option<u32>) -> PriorityRequest<'_> {
        PriorityRequest { service, explicit, existing }
    }

    #[test]
    fn new_rules_take_the_lowest_free_priorities() {
        let foreign = BTreeSet::from([1, 3]);
        let got = assign(&[request("a", None, None), request("b", None, None), request("c", Some(2), None)], &foreign).unwrap();
        assert_eq!(got, [4, 5, 2]);
    }

    #[test]
    fn existing_priorities_stay_when_a_service_is_added() {
        let got = assign(&[request("new", None, None), request("a", None, Some(1)), request("b", None, Some(2))], &BTreeSet::new()).unwrap();
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
}
