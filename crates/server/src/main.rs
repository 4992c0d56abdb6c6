//! `helper-dev-server`: command-line front of the library; parses flags and serves.
//!
//! Holds no behaviour of its own, so everything it can do is reachable in-process too.

use clap::Parser;
use helper_dev_server::{Chunking, Fault, Format, Options};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

/// A local server that speaks Helper's widget API (sessions, conversations, streamed chat
/// replies from a built-in knowledge base), for the demo page and end-to-end tests; and
/// Supabase Realtime's websocket (GET /realtime/v1/websocket?apikey=<supabaseAnonKey>&vsn=1.0.0,
/// Phoenix v1 JSON, public broadcast channels) for staff replies, typing and subjects, named
/// by the session's supabaseUrl.
///
/// Dev control routes (only for tools and pages on loopback origins; 403 for other
/// origins and non-loopback Host names): GET /__dev/health; POST /__dev/fault
/// {"kind":"drop-after","bytes":200,"count":1} for the next N /api/chat requests (kinds:
/// error-part {after_tokens}, drop-after {bytes}, unauthorized, server-error, slow {pace_ms},
/// one-byte, http-error {status}); POST /__dev/settings
/// {"format","paceMs","chunking","corsGaps","chunkChars"};
/// POST /__dev/reply {"text"} (the next answer); POST /__dev/reset;
/// POST /__dev/staff-reply {"conversationSlug","content","staffName"} (published as
/// agent-reply); POST /__dev/staff-typing {"conversationSlug"} (agent-typing);
/// POST /__dev/notify {"email","text","conversationSlug"} (the visitor's next session lists it);
/// POST /__dev/realtime-drop {"conversationSlug"?,"closeCode"?,"refuseMs"?} (cuts realtime
/// sockets, all or that conversation's; with closeCode a close frame instead; refuseMs: 503 for
/// new ones meanwhile); GET /__dev/hmac?email=E. Per request:
/// /api/chat?format=v5&chunking=byte&pace_ms=0&chunk_chars=5&fault=slow:300.
#[derive(Parser, Debug)]
#[command(version, verbatim_doc_comment)]
struct Cli {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8081", env = "HELPER_DEV_ADDR")]
    addr: SocketAddr,
    /// Stream format of POST /api/chat: v4 (Helper's), v5 (UI message stream) or seed.
    #[arg(long, value_enum, default_value_t = Format::V4)]
    format: Format,
    /// Milliseconds before each streamed token; 0 answers at once (benchmarks).
    #[arg(long, default_value_t = 20)]
    pace_ms: u64,
    /// How replies are cut into writes.
    #[arg(long, value_enum, default_value_t = Chunking::Token)]
    chunking: Chunking,
    /// Cut reply text into parts of N characters instead of word tokens (with token chunking,
    /// one `0:` part per write): a benchmark's exact number of chunks.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    chunk_chars: Option<u64>,
    /// Leave CORS headers off exactly where Helper's own server does.
    #[arg(long)]
    cors_gaps: bool,
    /// Session tokens expire after this many seconds (instead of 7 days / 12 hours), to test
    /// refresh on 401.
    #[arg(long)]
    token_ttl_secs: Option<u64>,
    /// A fault on every /api/chat request: error-part[:TOKENS], drop-after:BYTES, unauthorized,
    /// server-error, slow[:MS], one-byte, http-error:STATUS.
    #[arg(long)]
    fault: Option<Fault>,
    /// Secret for tokens and identified-visitor HMACs (the mailbox's widgetHMACSecret).
    #[arg(long, default_value = helper_dev_server::DEFAULT_SECRET, env = "HELPER_HMAC_SECRET")]
    hmac_secret: String,
    /// Never serve prompt conversations from Helper's answer cache.
    #[arg(long)]
    no_prompt_cache: bool,
    /// No realtime: sessions carry no supabaseUrl and the websocket is a 404, so the widget
    /// has to poll for staff replies.
    #[arg(long)]
    no_realtime: bool,
    /// The sessions' supabaseUrl, instead of this server's origin as each request names it
    /// (X-Forwarded-Host, else Host). Behind a proxy that does not forward websockets (Trunk's
    /// /api/ proxy in the demo) pass this server's own URL, e.g. http://127.0.0.1:8081.
    #[arg(long, value_name = "URL")]
    supabase_url: Option<String>,
    /// After the AI escalates a conversation to a human, a staff member is typing
    /// (agent-typing) and replies N ms after the escalation reply (agent-reply).
    #[arg(long, value_name = "N")]
    staff_reply_after_ms: Option<u64>,
    /// Name of that staff member (and of /__dev/staff-reply's default).
    #[arg(long, default_value = helper_dev_server::DEFAULT_STAFF_NAME)]
    staff_name: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let options = Options {
        hmac_secret: cli.hmac_secret,
        format: cli.format,
        chunking: cli.chunking,
        pace: Duration::from_millis(cli.pace_ms),
        // A part longer than `usize` is the whole reply anyway.
        chunk_chars: cli
            .chunk_chars
            .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        cors_gaps: cli.cors_gaps,
        token_ttl: cli.token_ttl_secs.map(Duration::from_secs),
        fault: cli.fault,
        prompt_cache: !cli.no_prompt_cache,
        realtime: !cli.no_realtime,
        supabase_url: cli
            .supabase_url
            .map(|u| u.trim_end_matches('/').to_string()),
        staff_reply_after: cli.staff_reply_after_ms.map(Duration::from_millis),
        staff_name: cli.staff_name,
        ..Options::default()
    };
    let listener = match tokio::net::TcpListener::bind(cli.addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("helper-dev-server: cannot listen on {}: {e}", cli.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(cli.addr);
    let format = clap::ValueEnum::to_possible_value(&options.format).map_or_else(
        || format!("{:?}", options.format),
        |v| v.get_name().to_string(),
    );
    println!(
        "helper-dev-server: http://{addr} (format {format}, {} ms/token, HMAC secret {:?}{})",
        cli.pace_ms,
        options.hmac_secret,
        if options.cors_gaps {
            ", Helper's CORS gaps"
        } else {
            ""
        }
    );
    if options.realtime {
        let staff = options.staff_reply_after.map_or_else(
            || "no staff replies after escalation".to_string(),
            |d| {
                format!(
                    "{} replies {} ms after an escalation",
                    options.staff_name,
                    d.as_millis()
                )
            },
        );
        println!("helper-dev-server: realtime at ws://{addr}/realtime/v1/websocket ({staff})");
    } else {
        println!("helper-dev-server: realtime off (sessions carry no supabaseUrl)");
    }
    match helper_dev_server::serve(listener, options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("helper-dev-server: {e}");
            ExitCode::FAILURE
        }
    }
}
