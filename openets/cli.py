"""The command line: ``openets serve | demo | simulate | verify | replay | allocate | report |
rules``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from openets.store.db import DEFAULT_URL

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="OpenETS: an open-source national emissions trading system.",
)
users_app = typer.Typer(help="Manage users of the web terminal and the API.")
app.add_typer(users_app, name="users")


@app.command()
def verify(
    db: str = typer.Option(DEFAULT_URL, help="SQLAlchemy URL of the market database"),
    public_key: Path | None = typer.Option(
        None, "--public-key", help="also check every signed checkpoint with this public key"
    ),
) -> None:
    """Check the journal's hash chain and the market's invariants; exit 1 on the first violation."""
    from openets.audit.keys import KeyFileError
    from openets.ops.verify import MarketUnreadable, verify_market

    try:
        ok, lines = verify_market(db, str(public_key) if public_key else None)
    except MarketUnreadable as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    except KeyFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    for line in lines:
        print(line)
    raise typer.Exit(0 if ok else 1)


@app.command()
def replay(
    db: str = typer.Option(DEFAULT_URL, help="SQLAlchemy URL of the market database"),
) -> None:
    """Rebuild the state from the journal alone (no snapshot) and print the state hash."""
    from openets.ops.verify import MarketUnreadable, replay_market

    try:
        n, state_hash, seconds = replay_market(db)
    except MarketUnreadable as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"replayed {n} events in {seconds:.2f} s")
    print(f"state hash {state_hash}")


def _await_promotion(db: str) -> None:
    """A warm spare: the code loaded and warmed up, wait until the standby ``db`` is promoted."""
    from openets.api.server import warm_up
    from openets.ops.replication import await_promotion

    warm_up()
    print(f"warm spare: waiting until {db.split('@')[-1]} is promoted", flush=True)
    try:
        waited = await_promotion(db)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2) from exc
    print(f"promoted after {waited:.1f} s: opening the market", flush=True)


def _check_clock(clock: str, start: str) -> None:
    """Refuse a clock the server cannot run before anything opens (exit 2)."""
    from openets.domain.clock import parse_iso

    if clock not in ("real", "simulated"):
        print(f"error: --clock must be real or simulated, was {clock!r}", file=sys.stderr)
        raise typer.Exit(2)
    try:
        parse_iso(start)
    except ValueError as exc:
        print(
            f"error: --start must be an ISO 8601 time such as 2021-07-16T09:00+08:00, "
            f"was {start!r}",
            file=sys.stderr,
        )
        raise typer.Exit(2) from exc


@app.command()
def serve(
    db: str = typer.Option(DEFAULT_URL, help="SQLAlchemy URL of the market database"),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
    preset: str | None = typer.Option(
        None, help="market rules preset of a new market (default cn; `openets rules` lists one)"
    ),
    clock: str = typer.Option("real", help="real | simulated"),
    start: str = typer.Option("2021-07-16T09:00+08:00", help="the simulated clock's start"),
    seed_registry: bool = typer.Option(
        False, "--seed-registry", help="open a few demo accounts if the market is empty"
    ),
    mfa: str = typer.Option(
        "preset", help="two-factor login: preset (as the market preset says) | on | off"
    ),
    signing_key: Path | None = typer.Option(
        None, "--signing-key", help="Ed25519 key file: sign checkpoints of the journal"
    ),
    checkpoint_every: int = typer.Option(
        1000, "--checkpoint-every", min=1, help="records between signed checkpoints"
    ),
    replica_of: str | None = typer.Option(
        None,
        "--replica-of",
        help="instead: a read replica of the market in this database (e.g. a PostgreSQL "
        "standby): follow its journal and serve the public market data read-only",
    ),
    await_promotion: bool = typer.Option(
        False,
        "--await-promotion",
        help="a warm spare: --db is a PostgreSQL standby; load everything, wait until it is "
        "promoted, then serve it",
    ),
) -> None:
    """Run the market: the engine, the HTTP API and the browser terminal. With
    ``--replica-of DB``: a read replica that follows the journal in DB and takes no commands.
    With ``--await-promotion``: a warm spare sequencer that starts once its standby is promoted."""
    if replica_of is not None:
        from openets.api.replica import run_replica

        run_replica(replica_of, host=host, port=port)
        return
    if await_promotion:
        _await_promotion(db)
    from openets.api.server import run_server
    from openets.api.settings import Settings
    from openets.audit.keys import KeyFileError, load_private

    if mfa not in ("preset", "on", "off"):
        print(f"error: --mfa must be preset, on or off, was {mfa!r}", file=sys.stderr)
        raise typer.Exit(2)
    _check_clock(clock, start)
    if signing_key is not None:
        try:
            load_private(signing_key)
        except KeyFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from exc
    from openets.presets import PRESETS

    if preset is not None and preset not in PRESETS:
        print(f"error: unknown preset {preset!r}; use one of {', '.join(PRESETS)}", file=sys.stderr)
        raise typer.Exit(2)
    chosen = {"preset": preset} if preset is not None else {}  # else OPENETS_PRESET, or cn
    run_server(
        settings=Settings(
            **chosen,  # type: ignore[arg-type]
            mfa=mfa,  # type: ignore[arg-type]
            signing_key=str(signing_key) if signing_key is not None else None,
            checkpoint_every=checkpoint_every,
        ),
        db=db,
        host=host,
        port=port,
        clock=clock,
        start=start,
        seed_registry=seed_registry,
    )


keys_app = typer.Typer(help="Keys that sign checkpoints of the journal.")
app.add_typer(keys_app, name="keys")


@keys_app.command("generate")
def keys_generate(
    out: Path = typer.Option(..., "--out", help="private key file (0600); KEYFILE.pub too"),
) -> None:
    """Make an Ed25519 key pair; print the public key (base64) and its key id."""
    from openets.audit.keys import generate, key_id, public_text

    if out.exists() or Path(f"{out}.pub").exists():
        print(f"error: {out} or {out}.pub exists; not overwriting a key", file=sys.stderr)
        raise typer.Exit(1)
    pub = generate(out)
    print(f"public key {public_text(pub)}")
    print(f"key id {key_id(pub)}")
    print(f"wrote {out} (private, mode 0600) and {out}.pub")


@app.command()
def eod(
    db: str = typer.Option(DEFAULT_URL, help="SQLAlchemy URL of the market database"),
    out: Path | None = typer.Option(None, help="folder for the settlement statements"),
    at: str | None = typer.Option(None, help="run at this time (simulated clock), ISO 8601"),
    batch: int = typer.Option(5_000, help="trades settled per journaled batch"),
    force: bool = typer.Option(False, help="close the day even during a session (emergency)"),
    signing_key: Path | None = typer.Option(
        None, "--signing-key", help="Ed25519 key file: sign a checkpoint of the day's end"
    ),
) -> None:
    """Run the end of day on a stopped market (a running one: POST /api/v1/ops/eod).

    Idempotent: after a crash, run it again and it finishes what is left. With
    ``--signing-key`` the journal gets a signed checkpoint of the day's end, as a server run
    with ``serve --signing-key`` journals one.
    """
    from openets.audit.keys import KeyFileError, load_private
    from openets.audit.service import audit_part
    from openets.audit.signer import Signer
    from openets.bootstrap import open_market
    from openets.domain.clock import RealClock, SimulatedClock, parse_iso
    from openets.ops.eod import EodError, run_end_of_day

    signer = None
    if signing_key is not None:
        try:
            signer = Signer(load_private(signing_key))
        except KeyFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2) from exc
    clock = SimulatedClock(parse_iso(at)) if at else RealClock()
    market = open_market(db, clock)
    engine = market.engine
    if signer is not None:
        engine.subscribers.append(signer.watch)
    try:
        report = run_end_of_day(engine, batch=batch, out_dir=out, force=force)
    except EodError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(
        f"end of day {report.day}: {report.expired} listings expired, "
        f"{report.settled} trades settled, {len(report.statements)} statement files"
    )
    if signer is not None:
        with engine.batch():
            signed = signer.maybe_sign(engine)
        if not signed or engine.halted:
            print("error: the signed checkpoint was not journaled", file=sys.stderr)
            raise typer.Exit(1)
        cp = audit_part(engine.state).latest
        if cp is not None:
            print(f"signed checkpoint of seq {cp.seq} (key {cp.key_id}) for {cp.day}")


@users_app.command("add")
def users_add(
    db: str = typer.Option(DEFAULT_URL),
    username: str = typer.Option(...),
    password: str = typer.Option(...),
    role: str = typer.Option(
        ...,
        help="participant | registry_operator | exchange_operator | regulator | verifier"
        " | settlement_bank",
    ),
    account: str | None = typer.Option(
        None, "--account", help="the account a participant acts for"
    ),
    provinces: str | None = typer.Option(
        None, "--provinces", help="a verifier's provinces, comma-separated (e.g. 上海,湖北)"
    ),
    province: str | None = typer.Option(
        None, "--province", help="a regulator's province (national when left out)"
    ),
    person_name: str | None = typer.Option(None, help="the natural person's name"),
    id_number: str | None = typer.Option(
        None, help="the person's ID card or passport number (only its digest is kept)"
    ),
    totp_secret: str | None = typer.Option(
        None, help="two-factor login on from the start with this base32 TOTP secret"
    ),
) -> None:
    """Add a login, active at once and journaled (setting a market up: run it while the
    server is stopped); a verifier or regulator is also appointed in the journal. Logins added
    later go through POST /users and a second person."""
    from openets.api.users import UserError, add_user_to_db

    where = [p.strip() for p in (provinces or "").split(",") if p.strip()]
    if province:
        where.append(province.strip())
    try:
        add_user_to_db(
            db,
            username,
            password,
            role,
            account,
            provinces=where,
            person_name=person_name,
            id_number=id_number,
            totp_secret=totp_secret,
        )
    except UserError as exc:
        option = "province" if exc.field == "provinces" and province else exc.field
        named = f"--{option.replace('_', '-')}: " if option else ""
        print(f"error: {named}{exc}", file=sys.stderr)
        raise typer.Exit(1) from exc
    print(f"user {username} added as {role}")


@app.command()
def allocate(
    plan: str = typer.Option(..., help="plan preset: 2019-2020, 2021, 2022, 2023, 2024, 2025"),
    units: Path = typer.Option(
        ...,
        help="the sector's CSV: power units, or steel/cement/aluminium installations "
        "(columns in docs/compliance-cycle.md)",
    ),
    out: Path | None = typer.Option(None, help="output CSV (default: standard output)"),
    sector: str = typer.Option("power", help="power, steel, cement or aluminium"),
) -> None:
    """Compute per-unit pre-allocation, final allocation and true-up from a sector's CSV."""
    from openets.cli_allocate import allocate_command

    raise typer.Exit(allocate_command(plan, units, out, sector))


def _register_extensions() -> None:
    """The commands of the ``openets/cli_<name>.py`` modules, listed here."""
    from openets import (
        cli_compliance,
        cli_demo,
        cli_drill,
        cli_ops,
        cli_report,
        cli_rules,
        cli_sim,
        cli_sweep,
    )

    for mod in (
        cli_compliance,
        cli_demo,
        cli_drill,
        cli_ops,
        cli_report,
        cli_rules,
        cli_sim,
        cli_sweep,
    ):
        mod.register(app)


_register_extensions()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
