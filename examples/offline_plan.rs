//! Plans a generated topology of N services (default 1000) against a generated live state, without the network,
//! and prints one JSON line with the CPU time and peak memory it took: the planner's own cost, for the benchmark.
//!
//! `cargo run --example offline_plan -- 1000`
//!
//! Every service is load balanced (100 to a load balancer, so 1,000 services make ten), and every tenth is also
//! found through Cloud Map and called by the one before it.

use std::path::Path;
use std::time::Instant;

use ecsnet::live::{Observed, SecurityGroup, Subnet, Tags, Vpc};
use ecsnet::plan::{plan_apply, schedule, topological_order};
use ecsnet::topology::parse;

fn topology(services: usize) -> String {
    let mut text = String::from(
        "name = \"bench\"\n[network]\nvpc = \"vpc-1\"\nsubnets = [\"subnet-a\", \"subnet-b\"]\n[load_balancer]\n[dns]\nzone = \"in.example.com\"\n[discovery]\nnamespace = \"svc.internal\"\n",
    );
    for index in 0..services {
        text.push_str(&format!("[[service]]\nname = \"s{index}\"\nport = 8080\nsecurity_group = \"sg-{index}\"\n"));
        if index % 10 == 9 {
            text.push_str(&format!("callers = [\"s{}\"]\n[service.discovery]\nrecord = \"A\"\nttl = 10\n", index - 1));
        }
    }
    text
}

fn observed(services: usize) -> Observed {
    Observed {
        vpc: Some(Vpc { id: "vpc-1".into(), cidrs: vec!["10.0.0.0/16".into()] }),
        subnets: vec![
            Subnet { id: "subnet-a".into(), name: None, availability_zone: "us-east-1a".into() },
            Subnet { id: "subnet-b".into(), name: None, availability_zone: "us-east-1b".into() },
        ],
        security_groups: (0..services)
            .map(|index| SecurityGroup {
                id: format!("sg-{index}"),
                group_name: format!("g{index}"),
                tags: Tags::new(),
                rules: vec![],
                references: vec![],
            })
            .collect(),
        ..Observed::default()
    }
}

/// Seconds of CPU this process used, user and system, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|utime| utime.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|stime| stime.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Peak resident memory of this process in MB, from /proc (Linux).
fn peak_memory_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let services: usize = std::env::args().nth(1).and_then(|count| count.parse().ok()).unwrap_or(1000);
    let text = topology(services);
    let observed = observed(services);
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let topology = parse(Path::new("generated.toml"), &text).unwrap_or_else(|error| panic!("{error}"));
    let plan = plan_apply(&topology, &observed).unwrap_or_else(|error| panic!("{error}"));
    let planned = started.elapsed().as_secs_f64();
    let steps = schedule(&plan);
    let scheduled = started.elapsed().as_secs_f64();
    let order = topological_order(&steps).expect("the steps form no cycle");
    eprintln!(
        "parse+plan {planned:.3} s, schedule {:.3} s, order {:.3} s",
        scheduled - planned,
        started.elapsed().as_secs_f64() - scheduled
    );
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    println!(
        "{{\"services\":{services},\"changes\":{},\"steps\":{},\"ordered\":{},\"cpu_seconds\":{cpu:.3},\"wall_seconds\":{wall:.3},\"max_rss_mb\":{:.1}}}",
        plan.changes.len(),
        steps.len(),
        order.len(),
        peak_memory_mb()
    );
}
