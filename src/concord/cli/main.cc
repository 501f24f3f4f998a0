// The `concord` command: the composition root. It parses the command line, builds the objects
// each command needs (clock, data directory) and hands them over explicitly. No other file wires
// modules together.

#include <CLI/CLI.hpp>

#include <cstdio>

#include "concord/base/clock.h"
#include "concord/cli/commands.h"

int main(int argc, char** argv) {
  using namespace concord::cli;

  CLI::App app{
      "Concord: share threat intelligence with partners under agreements, detect shared "
      "adversaries, act together.",
      "concord"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "concord 0.1.0");

  std::string data_dir_flag;
  OutputOptions out;
  bool no_progress = false;
  app.add_option("--data-dir", data_dir_flag,
                 "Data directory (default: $CONCORD_HOME, else ./concord-data)");
  app.add_flag("--json", out.json, "Machine-readable output on standard output");
  app.add_flag("-v,--verbose", out.verbose, "Show every warning, not only the first few per file");
  app.add_flag("--no-progress", no_progress, "Never draw a progress bar");

  ImportOptions import_options;
  CLI::App* import_cmd = app.add_subcommand(
      "import",
      "Import STIX 2.x bundles, objects or JSON lines, or plain feeds (Zeek intel, CSV, lists) "
      "as indicators, plain or gzip, into the store");
  import_cmd->add_option("inputs", import_options.inputs, "Files, directories, or - for stdin")
      ->required();
  import_cmd->add_flag("--strict", import_options.strict,
                       "Reject a whole file when any object in it is invalid");
  import_cmd->add_option("--collection", import_options.collection,
                         "Add the objects to this collection (id or alias; created if missing)");
  import_cmd->add_option("--source", import_options.source,
                         "Provenance name recorded for the objects (default: the file path)");
  import_cmd
      ->add_option("--format", import_options.format,
                   "auto (Zeek intel by its #fields line, else STIX), stix, zeek-intel, csv, list")
      ->check(CLI::IsMember({"auto", "stix", "zeek-intel", "csv", "list"}));
  import_cmd->add_option("--source-name", import_options.source_name,
                         "Feeds: the feed's name, part of every indicator id (default: the file's "
                         "base name)");
  import_cmd->add_option("--tlp", import_options.tlp,
                         "Feeds: mark the indicators clear, green, amber, amber+strict or red");
  import_cmd->add_option("--csv-column", import_options.csv_column,
                         "CSV feeds: the 1-based column holding the value (default 1)");

  ValidateOptions validate_options;
  CLI::App* validate_cmd =
      app.add_subcommand("validate", "Check STIX content against the STIX 2.1 specification");
  validate_cmd->add_option("inputs", validate_options.inputs, "Files, directories, or - for stdin")
      ->required();

  ExportOptions export_options;
  CLI::App* export_cmd = app.add_subcommand("export", "Write stored objects as a STIX 2.1 bundle");
  export_cmd->add_option("--type", export_options.types, "Only objects of this type (repeatable)");
  export_cmd->add_option("--id", export_options.ids, "Only this object (repeatable)");
  export_cmd->add_option("--added-after", export_options.added_after,
                         "Only versions added after this RFC 3339 time");
  export_cmd->add_option("--collection", export_options.collection,
                         "Only objects of this collection (id or alias)");
  export_cmd->add_option("--marking", export_options.marking,
                         "Only objects carrying this marking-definition id (object or granular)");
  export_cmd->add_option("--version", export_options.version,
                         "Which versions: all (default), first, last, or a timestamp");
  export_cmd->add_flag("--exclude-revoked", export_options.exclude_revoked,
                       "Leave out objects whose latest version is revoked");
  export_cmd->add_option("--for", export_options.for_partner,
                         "Release to this partner: only what its agreement allows");
  export_cmd->add_option("--agreements", export_options.agreements_file,
                         "The agreements file (default: <data dir>/agreements.toml)");
  export_cmd->add_option("-o,--out", export_options.out_path,
                         "Write to this file (atomically) instead of standard output");

  CLI::App* stats_cmd = app.add_subcommand("stats", "Summarise what the store holds");

  CLI::App* collection_cmd = app.add_subcommand("collection", "Manage collections");
  collection_cmd->require_subcommand(1);
  CollectionOptions collection_options;
  CLI::App* collection_create = collection_cmd->add_subcommand("create", "Create a collection");
  collection_create->add_option("alias", collection_options.alias, "Short unique name")->required();
  collection_create->add_option("--title", collection_options.title, "Title shown to partners");
  collection_create->add_option("--description", collection_options.description, "Description");
  collection_create->add_option("--api-root", collection_options.api_root,
                                "The API root it is served under (default: api)");
  CLI::App* collection_list = collection_cmd->add_subcommand("list", "List collections");

  // Sharing administration (docs/taxii.md).
  CLI::App* api_root_cmd = app.add_subcommand("api-root", "Manage TAXII API roots");
  api_root_cmd->require_subcommand(1);
  ApiRootOptions api_root_options;
  CLI::App* api_root_create = api_root_cmd->add_subcommand("create", "Create an API root");
  api_root_create->add_option("name", api_root_options.name, "Its URL path segment, e.g. trusted")
      ->required();
  api_root_create->add_option("--title", api_root_options.title, "Title shown to partners");
  api_root_create->add_option("--description", api_root_options.description, "Description");
  CLI::App* api_root_list = api_root_cmd->add_subcommand("list", "List API roots");

  CLI::App* partner_cmd = app.add_subcommand("partner", "Manage the partners that use TAXII");
  partner_cmd->require_subcommand(1);
  PartnerOptions partner_options;
  CLI::App* partner_add = partner_cmd->add_subcommand("add", "Add a partner");
  partner_add->add_option("name", partner_options.name, "Short unique name, e.g. us-node")
      ->required();
  partner_add->add_option("--identity", partner_options.identity_id,
                          "Its STIX identity id (identity--...)");
  partner_add->add_option("--cert", partner_options.cert_file,
                          "A PEM client certificate that authenticates it");
  CLI::App* partner_list = partner_cmd->add_subcommand("list", "List partners");

  CLI::App* token_cmd = app.add_subcommand("token", "Issue, rotate, revoke and list TAXII tokens");
  token_cmd->require_subcommand(1);
  std::string token_partner, token_id;
  CLI::App* token_issue =
      token_cmd->add_subcommand("issue", "Issue a token for a partner (shown once)");
  token_issue->add_option("partner", token_partner, "The partner")->required();
  CLI::App* token_rotate =
      token_cmd->add_subcommand("rotate", "Revoke every token of a partner and issue a new one");
  token_rotate->add_option("partner", token_partner, "The partner")->required();
  CLI::App* token_revoke = token_cmd->add_subcommand("revoke", "Revoke one token by its id");
  token_revoke->add_option("token-id", token_id, "The token id (16 hex digits)")->required();
  CLI::App* token_list = token_cmd->add_subcommand("list", "List a partner's tokens");
  token_list->add_option("partner", token_partner, "The partner")->required();

  GrantOptions grant_options;
  CLI::App* grant_cmd = app.add_subcommand(
      "grant", "Set what a partner may do with a collection (neither flag: nothing)");
  grant_cmd->add_option("partner", grant_options.partner, "The partner");
  grant_cmd->add_option("collection", grant_options.collection, "Collection id or alias");
  grant_cmd->add_flag("--read", grant_options.read, "May read (GET objects, manifest)");
  grant_cmd->add_flag("--write", grant_options.write, "May write (POST, DELETE)");
  bool grant_list = false;
  grant_cmd->add_flag("--list", grant_list, "List every grant instead");

  ServeOptions serve_options;
  CLI::App* serve_cmd =
      app.add_subcommand("serve", "Serve TAXII 2.1 over HTTPS to partners until interrupted");
  serve_cmd->add_option("--listen", serve_options.listen,
                        "address:port (default 127.0.0.1:8443; IPv6 as [::1]:8443)");
  serve_cmd->add_option("--cert", serve_options.cert_file,
                        "PEM certificate chain (default: <data dir>/tls/server.pem)");
  serve_cmd->add_option("--key", serve_options.key_file,
                        "PEM private key (default: <data dir>/tls/server.key)");
  serve_cmd->add_option("--client-ca", serve_options.client_ca_file,
                        "Ask for client certificates signed by this CA (PEM)");
  serve_cmd->add_flag("--plain-http", serve_options.plain_http,
                      "No TLS (loopback addresses only; for trying it out)");
  serve_cmd->add_option("--public-url", serve_options.public_url,
                        "The URL partners reach this server at (default: from their Host header)");
  serve_cmd->add_option("--threads", serve_options.threads, "I/O threads (default 2)")
      ->check(CLI::Range(1, 64));
  serve_cmd
      ->add_option("--max-content-length", serve_options.max_content_length,
                   "Largest request body in bytes (default 10 MiB)")
      ->check(CLI::Range(uint64_t{1024}, uint64_t{1} << 30));
  serve_cmd
      ->add_option("--max-connections", serve_options.max_connections,
                   "Connections open at once (default 4096)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  serve_cmd->add_flag("--quiet", serve_options.quiet, "No access log on standard error");
  serve_cmd->add_option("--agreements", serve_options.agreements_file,
                        "The agreements file (default: <data dir>/agreements.toml); reloaded "
                        "when it changes or on SIGHUP");

  size_t min_sighters = 2;
  CLI::App* adversaries_cmd = app.add_subcommand(
      "adversaries",
      "Intrusion sets, campaigns and malware whose indicators several organisations sighted, "
      "with first and last sighting per organisation");
  adversaries_cmd
      ->add_option("--min-sighters", min_sighters,
                   "Organisations that must have sighted it (default 2)")
      ->check(CLI::Range(size_t{1}, size_t{1000}));
  adversaries_cmd->add_flag("--json", out.json, "Machine-readable output");

  std::string agreements_flag;
  CLI::App* sync_cmd =
      app.add_subcommand("sync", "Federation with partners: what was exchanged, and a round now");
  sync_cmd->require_subcommand(1);
  CLI::App* sync_status = sync_cmd->add_subcommand(
      "status", "Per partner and collection: last success, lag, failures, objects, last error");
  CLI::App* sync_run = sync_cmd->add_subcommand(
      "run",
      "One round with every partner now: pulls, then sightings back (serve does this on "
      "schedule)");
  sync_run->add_option("--agreements", agreements_flag,
                       "The agreements file (default: <data dir>/agreements.toml)");
  CLI::App* agreements_cmd = app.add_subcommand("agreements", "The agreements with partners");
  agreements_cmd->require_subcommand(1);
  CLI::App* agreements_check = agreements_cmd->add_subcommand(
      "check", "Read and check the agreements file; say what each partner may receive");
  agreements_check->add_option("file", agreements_flag,
                               "The file (default: <data dir>/agreements.toml)");

  TaxiiOptions taxii_options;
  CLI::App* taxii_cmd = app.add_subcommand("taxii", "Talk to a partner's TAXII 2.1 server");
  taxii_cmd->require_subcommand(1);
  const auto common = [&taxii_options](CLI::App* c) {
    c->add_option("url", taxii_options.url, "The server, e.g. https://partner.example:8443")
        ->required();
    c->add_option("--api-root", taxii_options.api_root,
                  "API root URL or path (default: the server's default)");
    c->add_option("--token-file", taxii_options.token_file,
                  "File holding the token (default: $CONCORD_TAXII_TOKEN)");
    c->add_option("--user", taxii_options.user, "Send HTTP Basic with this user and the token");
    c->add_option("--ca-file", taxii_options.ca_file,
                  "Trust this CA (PEM) for the server's certificate (default: the system's)");
    c->add_option("--client-cert", taxii_options.client_cert_file, "Client certificate (PEM)");
    c->add_option("--client-key", taxii_options.client_key_file, "Client key (PEM)");
  };
  CLI::App* taxii_discover = taxii_cmd->add_subcommand("discover", "Show the server's API roots");
  common(taxii_discover);
  CLI::App* taxii_collections =
      taxii_cmd->add_subcommand("collections", "List the collections this node may see");
  common(taxii_collections);
  CLI::App* taxii_pull = taxii_cmd->add_subcommand(
      "pull", "Page through a collection and import it (resumes where the last pull stopped)");
  common(taxii_pull);
  taxii_pull->add_option("--collection", taxii_options.collection, "Remote collection id")
      ->required();
  taxii_pull->add_option("--into", taxii_options.into,
                         "Local collection to add the objects to (created if missing)");
  taxii_pull->add_option("--partner", taxii_options.partner,
                         "Provenance name of the objects (default: the server's host)");
  taxii_pull->add_option("--added-after", taxii_options.added_after,
                         "Start after this date_added instead of where the last pull stopped");
  taxii_pull->add_flag("--restart", taxii_options.restart, "Start from the beginning");
  taxii_pull->add_option("--limit", taxii_options.limit, "Objects per page (default 1000)")
      ->check(CLI::Range(size_t{1}, size_t{10000}));
  taxii_pull->add_option("--type", taxii_options.types, "Only objects of this type (repeatable)");
  CLI::App* taxii_push = taxii_cmd->add_subcommand(
      "push",
      "Send stored objects (latest versions, as the partner's agreement allows) to a "
      "remote collection");
  common(taxii_push);
  taxii_push->add_option("--collection", taxii_options.collection, "Remote collection id")
      ->required();
  taxii_push->add_option("--from", taxii_options.from,
                         "Only objects of this local collection (id or alias)");
  taxii_push->add_option("--type", taxii_options.types, "Only objects of this type (repeatable)");
  taxii_push
      ->add_option("--for", taxii_options.for_partner,
                   "The partner whose agreement decides what may be sent")
      ->required();
  taxii_push->add_option("--agreements", taxii_options.agreements_file,
                         "The agreements file (default: <data dir>/agreements.toml)");
  taxii_push->add_option("--added-after", taxii_options.added_after,
                         "Only versions added after this RFC 3339 time");

  CLI::App* pattern_cmd = app.add_subcommand("pattern", "Check and evaluate STIX patterns");
  pattern_cmd->require_subcommand(1);
  PatternCheckOptions check_options;
  CLI::App* pattern_check = pattern_cmd->add_subcommand(
      "check", "Say whether patterns are valid, with the error and its position");
  // Patterns start with '[', which CLI11 would read as its own "[a,b]" list syntax: they are
  // taken verbatim as the command's extra arguments instead (default: one per line of stdin).
  pattern_check->fallthrough(false)->allow_extras();
  pattern_check->add_flag("--json", out.json, "One JSON line per pattern");
  PatternEvalOptions eval_options;
  CLI::App* pattern_eval = pattern_cmd->add_subcommand(
      "eval", "Evaluate patterns: JSON lines requests on stdin, or --patterns with --observed");
  pattern_eval->add_option("--patterns", eval_options.patterns_file, "One pattern per line");
  pattern_eval->add_option("--observed", eval_options.observed_file,
                           "Observed-data (with their SCOs): JSON array, bundles or JSON lines");
  std::string engine = "compiled";
  pattern_eval->add_option("--engine", engine, "compiled (default) or reference (slow, for checks)")
      ->check(CLI::IsMember({"compiled", "reference"}));

  ScanCommandOptions scan_options;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan",
      "Scan Zeek, Suricata EVE or Sysmon logs (plain or gzip) against every active indicator: "
      "alerts as JSON lines, sightings into the store");
  scan_cmd->add_option("inputs", scan_options.inputs, "Log files, directories, or - for stdin")
      ->required();
  scan_cmd
      ->add_option("--format", scan_options.format,
                   "auto (default, per file), zeek-json, zeek-tsv, suricata-eve, sysmon-ecs, "
                   "sysmon-flat")
      ->check(CLI::IsMember({"auto", "zeek-json", "zeek", "zeek-tsv", "suricata-eve", "eve",
                             "sysmon-ecs", "ecs", "sysmon-flat", "sysmon"}));
  scan_cmd
      ->add_option("--threads", scan_options.threads,
                   "Threads reading and matching events (default: one per core, at most 16)")
      ->check(CLI::Range(1, 256));
  scan_cmd->add_option("--since", scan_options.since, "Only events at or after this RFC 3339 time");
  scan_cmd->add_option("--until", scan_options.until, "Only events before this RFC 3339 time");
  scan_cmd->add_option("-o,--out", scan_options.out_path,
                       "Write alerts to this file instead of standard output");
  scan_cmd->add_flag("-f,--follow", scan_options.follow,
                     "Read one file as it grows (like tail -F) until interrupted");
  scan_cmd->add_flag("--subdomains", scan_options.subdomains,
                     "Domain indicators also match subdomains");
  scan_cmd->add_flag("--include-warned", scan_options.include_warned,
                     "Also match indicators that hit a warning list");
  scan_cmd->add_option("--warning-list", scan_options.warning_lists,
                       "Another warning list for this scan (repeatable)");
  scan_cmd->add_flag("--no-sightings", scan_options.no_sightings,
                     "Do not write sightings to the store");
  scan_cmd->add_option("--node-name", scan_options.node_name,
                       "This node's name in sightings (default: $CONCORD_NODE_NAME or host name)");

  CLI::App* warninglist_cmd =
      app.add_subcommand("warninglist", "Manage warning lists (known-benign values)");
  warninglist_cmd->require_subcommand(1);
  WarningListAddOptions warninglist_add_options;
  CLI::App* warninglist_add = warninglist_cmd->add_subcommand(
      "add", "Check a warning list (MISP JSON or one value per line) and keep it");
  warninglist_add->add_option("file", warninglist_add_options.file, "The list")->required();
  warninglist_add->add_option("--name", warninglist_add_options.name,
                              "Its name (default: the file's base name)");
  CLI::App* warninglist_list =
      warninglist_cmd->add_subcommand("list", "Show the built-in and stored warning lists");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  out.progress = !no_progress;
  concord::SystemClock clock;
  const DataDir dir = DataDir::Resolve(data_dir_flag);
  if (*import_cmd) return RunImport(dir, import_options, out, &clock);
  if (*validate_cmd) return RunValidate(validate_options, out);
  if (*export_cmd) return RunExport(dir, export_options, out, &clock);
  if (*stats_cmd) return RunStats(dir, out, &clock);
  if (*collection_create) return RunCollectionCreate(dir, collection_options, out, &clock);
  if (*collection_list) return RunCollectionList(dir, out, &clock);
  if (*scan_cmd) return RunScan(dir, scan_options, out, &clock);
  if (*api_root_create) return RunApiRootCreate(dir, api_root_options, out, &clock);
  if (*api_root_list) return RunApiRootList(dir, out, &clock);
  if (*partner_add) return RunPartnerAdd(dir, partner_options, out, &clock);
  if (*partner_list) return RunPartnerList(dir, out, &clock);
  if (*token_issue) return RunTokenIssue(dir, token_partner, out, &clock);
  if (*token_rotate) return RunTokenRotate(dir, token_partner, out, &clock);
  if (*token_revoke) return RunTokenRevoke(dir, token_id, out, &clock);
  if (*token_list) return RunTokenList(dir, token_partner, out, &clock);
  if (*grant_cmd) {
    if (grant_list) return RunGrantList(dir, out, &clock);
    if (grant_options.partner.empty() || grant_options.collection.empty()) {
      std::fprintf(stderr, "concord grant: give a partner and a collection, or --list\n");
      return 2;
    }
    return RunGrant(dir, grant_options, out, &clock);
  }
  if (*serve_cmd) return RunServe(dir, serve_options, out, &clock);
  if (*adversaries_cmd) return RunAdversaries(dir, min_sighters, out, &clock);
  if (*sync_status) return RunSyncStatus(dir, out, &clock);
  if (*sync_run) return RunSyncRun(dir, agreements_flag, out, &clock);
  if (*agreements_check) return RunAgreementsCheck(dir, agreements_flag, out);
  if (*taxii_discover) return RunTaxiiDiscover(dir, taxii_options, out, &clock);
  if (*taxii_collections) return RunTaxiiCollections(dir, taxii_options, out, &clock);
  if (*taxii_pull) return RunTaxiiPull(dir, taxii_options, out, &clock);
  if (*taxii_push) return RunTaxiiPush(dir, taxii_options, out, &clock);
  if (*warninglist_add) return RunWarningListAdd(dir, warninglist_add_options, out);
  if (*warninglist_list) return RunWarningListList(dir, out);
  if (*pattern_check) {
    check_options.patterns = pattern_check->remaining();
    return RunPatternCheck(check_options, out);
  }
  if (*pattern_eval) {
    eval_options.reference = engine == "reference";
    return RunPatternEval(eval_options, out);
  }
  return 2;
}
