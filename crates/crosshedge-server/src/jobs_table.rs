//! The table of the app's jobs the API offers: a route name, what it does, how a flat body
//! becomes the typed request and its flat defaults (for the OpenAPI document).

use crosshedge_app::flat::{from_flat_with, FlatRequest};
use crosshedge_app::price::structure::{
    CarryRequest, CondorRequest, StructureRequest, StructureSpec,
};
use crosshedge_app::{AppError, Progress, Workspace};
use serde::Serialize;
use serde_json::{Map, Value};

/// Runs a job on a flat JSON body and returns its response as JSON.
pub(crate) type RunFn = fn(&Workspace, &Value, &dyn Progress) -> Result<Value, AppError>;
/// Checks that a flat body is a valid request of the job, without running it.
pub(crate) type CheckFn = fn(&Value) -> Result<(), AppError>;
/// The flat fields of a job's request with their defaults.
pub(crate) type DefaultsFn = fn() -> Result<Map<String, Value>, AppError>;

/// One job of the API.
pub(crate) struct Job {
    /// The route after `/api/v1/` (and after `/api/v1/jobs/` for a long job).
    pub(crate) name: &'static str,
    /// One line for the OpenAPI document.
    pub(crate) summary: &'static str,
    /// Parses the flat body and runs the job.
    pub(crate) run: RunFn,
    /// Checks the flat body (a long job's, before it is queued).
    pub(crate) check: CheckFn,
    /// The flat fields and defaults.
    pub(crate) defaults: DefaultsFn,
}

/// Parses `body` as the flat request `R`, runs `job`, serialises the response.
fn call<R: FlatRequest, S: Serialize>(
    ws: &Workspace,
    body: &Value,
    progress: &dyn Progress,
    job: fn(&Workspace, &R, &dyn Progress) -> Result<S, AppError>,
) -> Result<Value, AppError> {
    let req = R::from_flat(body)?;
    Ok(serde_json::to_value(job(ws, &req, progress)?)?)
}

macro_rules! job {
    ($name:literal, $summary:literal, $m:path) => {{
        use $m as m;
        Job {
            name: $name,
            summary: $summary,
            run: |ws, body, p| call(ws, body, p, m::run),
            check: |body| <m::Request as FlatRequest>::from_flat(body).map(|_| ()),
            defaults: || <m::Request as FlatRequest>::flat_defaults(),
        }
    }};
}

// The request type of each job module under one name, for the macro.
mod alias {
    macro_rules! req {
        ($($m:ident :: $($p:ident)::+ => $t:ident),* $(,)?) => {$(
            pub(crate) mod $m {
                pub(crate) use crosshedge_app::$($p)::+::{run, $t as Request};
            }
        )*};
    }
    req!(
        basis::basis => BasisRequest,
        lags::lags => LagsRequest,
        rolling::rolling => RollingRequest,
        claims::claims => ClaimsRequest,
        episodes::episodes => EpisodesRequest,
        regimes::regimes => RegimesRequest,
        signals::signals => SignalsRequest,
        shocks::shocks => ShocksRequest,
        events::events => EventsRequest,
        dcc::dcc => DccRequest,
        hedge::hedge => HedgeRequest,
        stress::stress => StressRequest,
        backtest::backtest => BacktestRequest,
        tournament::tournament => TournamentRequest,
        report::report => ReportRequest,
        option::price::option => OptionRequest,
        curve::price::curve => CurveRequest,
        perp::price::perp => PerpRequest,
        lp::price::lp => LpRequest,
        parity::price::parity => ParityRequest,
    );
}

/// The synchronous jobs: `POST /api/v1/<name>`, answered when done.
pub(crate) fn sync_jobs() -> Vec<Job> {
    vec![
        job!(
            "basis",
            "Basis risk of a target against a hedge, overall and by regime",
            alias::basis
        ),
        job!("lags", "Lead-lag cross-correlation and the Dimson beta", alias::lags),
        job!(
            "rolling",
            "Rolling-window correlation with its Fisher-z band, and the rolling beta",
            alias::rolling
        ),
        job!("episodes", "Hedge slippage through the named shock episodes", alias::episodes),
        job!(
            "claims",
            "The method's quantitative claims against the store: measured, interval, verdict",
            alias::claims
        ),
        job!(
            "regimes",
            "The market's regime: VIX bands or a Markov-switching model",
            alias::regimes
        ),
        job!(
            "signals",
            "MACD and RSI signals on the VIX and their lead into stress",
            alias::signals
        ),
        job!("shocks", "DeFi liquidity shocks detected from the crypto series", alias::shocks),
        job!("events", "FOMC/CPI/PPI event windows", alias::events),
        job!("dcc", "GARCH(1,1) volatilities and the DCC(1,1) correlation", alias::dcc),
        job!("hedge", "Size every layer of a hedge book", alias::hedge),
        job!(
            "price/option",
            "Price an option (Black-Scholes or Black-76) or its implied vol",
            alias::option
        ),
        Job {
            name: "price/spread",
            summary: "A vertical call or put spread leg by leg",
            run: |ws, body, p| structure(ws, body, p, StructureSpec::Spread(Default::default())),
            check: |_| Ok(()),
            defaults: || structure_defaults(StructureSpec::Spread(Default::default())),
        },
        Job {
            name: "price/condor",
            summary: "An iron condor leg by leg",
            run: |ws, body, p| {
                structure(ws, body, p, StructureSpec::Condor(CondorRequest::default()))
            },
            check: |_| Ok(()),
            defaults: || structure_defaults(StructureSpec::Condor(CondorRequest::default())),
        },
        job!("price/vix-curve", "The VIX futures curve of one date", alias::curve),
        job!(
            "price/perp",
            "A perpetual futures position: margin, liquidation, funding",
            alias::perp
        ),
        job!("price/lp", "An AMM liquidity position: impermanent loss and fees", alias::lp),
        job!("price/parity", "Put-call parity across an option chain", alias::parity),
    ]
}

/// The long jobs: `POST /api/v1/jobs/<name>` starts one in the background.
pub(crate) fn long_jobs() -> Vec<Job> {
    vec![
        job!("stress", "Regime-switching Monte Carlo stress test of a hedge book", alias::stress),
        job!("backtest", "The hedge book run daily through history, net of costs", alias::backtest),
        job!("report", "The whole pipeline as one HTML report plus its JSON", alias::report),
        job!(
            "tournament",
            "Every candidate hedge at the same cost through history and the Monte Carlo, ranked, with the frontier",
            alias::tournament
        ),
        job!("basis", "Basis risk with a large bootstrap, in the background", alias::basis),
    ]
}

/// The carry fields of `price spread` / `price condor` (the CLI's `--carry-rate`,
/// `--inventory-value`, `--inventory-qty`): given flat, they turn the carry analysis on.
const CARRY_FIELDS: [&str; 3] = ["carry_rate", "inventory_value", "inventory_qty"];

/// A spread or condor from its flat body: the structure's variant picks the flat names, and a
/// carry field turns the carry analysis on (`--inventory-*` need `--carry-rate`, as in the CLI).
fn structure(
    ws: &Workspace,
    body: &Value,
    progress: &dyn Progress,
    spec: StructureSpec,
) -> Result<Value, AppError> {
    let has = |k: &str| body.get(k).is_some();
    let carry = CARRY_FIELDS.iter().any(|k| has(k));
    if carry && !has("carry_rate") {
        return Err(AppError::input(
            "request: `inventory_value` and `inventory_qty` require `carry_rate`",
        ));
    }
    let template = StructureRequest {
        structure: spec,
        carry: carry.then(CarryRequest::default),
        ..StructureRequest::default()
    };
    let req = from_flat_with(&template, body, &[])?;
    Ok(serde_json::to_value(crosshedge_app::price::structure::run(ws, &req, progress)?)?)
}

/// The flat fields of a spread or condor, the carry fields included (they are optional: left
/// out, no carry analysis).
fn structure_defaults(spec: StructureSpec) -> Result<Map<String, Value>, AppError> {
    let template = StructureRequest {
        structure: spec,
        carry: Some(CarryRequest::default()),
        ..StructureRequest::default()
    };
    crosshedge_app::flat::to_flat(&template, &[])
}
