#pragma once

// The `concord` subcommands. Each Run* function is one command: it takes its parsed options and
// the objects it needs (built by main.cc, the composition root), writes its output, and returns
// the process exit status: 0 success, 1 the input or the request had problems (reported), 2 the
// command could not run (a missing store, an unreadable file).

#include <chrono>
#include <string>
#include <vector>

#include "concord/base/clock.h"
#include "concord/cli/data_dir.h"

namespace concord::detect {
class WarningLists;
}

namespace concord::cli {

struct OutputOptions {
  bool json = false;     // machine-readable output on standard output
  bool verbose = false;  // every warning, not the first few per input
  bool progress = true;  // a progress bar when standard error is a terminal
};

struct ImportOptions {
  std::vector<std::string> inputs;  // files, directories, "-"
  bool strict = false;              // any invalid object rejects its whole file
  std::string collection;           // id or alias; created (as an alias) when missing
  std::string source;               // provenance name; default: the file path
  // auto (a Zeek intel file is recognised by its "#fields" line, anything else is STIX), stix,
  // zeek-intel, csv or list. Feeds become STIX indicators; see docs/feeds.md.
  std::string format = "auto";
  std::string source_name;  // a feed's name (ids, labels); default: the file's base name
  std::string tlp;          // a feed's TLP level (clear ... red), "" for none
  int csv_column = 1;       // 1-based column of the value in CSV feeds
  std::string marking_ref;  // set by RunImport from `tlp`
  // Set by RunImport: indicators hitting these lists are flagged (stored all the same).
  const detect::WarningLists* warning_lists = nullptr;
};
int RunImport(const DataDir& dir, const ImportOptions& options, const OutputOptions& out,
              Clock* clock);

struct ValidateOptions {
  std::vector<std::string> inputs;
};
int RunValidate(const ValidateOptions& options, const OutputOptions& out);

struct ExportOptions {
  std::vector<std::string> types;
  std::vector<std::string> ids;
  std::string added_after;      // RFC 3339
  std::string collection;       // id or alias
  std::string marking;          // a marking-definition id, object-level or granular
  std::string version = "all";  // all, first, last, or an RFC 3339 timestamp
  bool exclude_revoked = false;
  std::string out_path;  // "" or "-" for standard output
  // A partner: release to it, through the release policy under the agreements. "" for the
  // node's own copy (a backup: everything, TLP:RED included).
  std::string for_partner;
  std::string agreements_file;  // default: <data dir>/agreements.toml
};
int RunExport(const DataDir& dir, const ExportOptions& options, const OutputOptions& out,
              Clock* clock);

int RunStats(const DataDir& dir, const OutputOptions& out, Clock* clock);

struct CollectionOptions {
  std::string alias;
  std::string title;
  std::string description;
  std::string api_root;  // "" for the default root
};
int RunCollectionCreate(const DataDir& dir, const CollectionOptions& options,
                        const OutputOptions& out, Clock* clock);
int RunCollectionList(const DataDir& dir, const OutputOptions& out, Clock* clock);

struct PatternCheckOptions {
  std::vector<std::string> patterns;  // empty: one pattern per line of standard input
};
// Prints "valid"/"invalid" with the error and its position per pattern; with --json one line
// {"valid": true} or {"valid": false, "error": "...", "position": N} per pattern. Exit 1 when
// any pattern is invalid.
int RunPatternCheck(const PatternCheckOptions& options, const OutputOptions& out);

struct PatternEvalOptions {
  std::string patterns_file;  // batch form: one pattern per line ...
  std::string observed_file;  // ... against all observations of this file
  bool reference = false;     // the slow reference evaluator instead of the compiled engine
};
// Without files: reads JSON lines {"pattern": "...", "observed_data": [...], "stix_version":
// "2.1"} from standard input and answers each with one line {"matched": true|false} or
// {"error": "..."}. Batch form: one line {"pattern": N, "matched": true|false} or
// {"pattern": N, "error": "..."} per pattern of --patterns (N from 0).
int RunPatternEval(const PatternEvalOptions& options, const OutputOptions& out);

struct ScanCommandOptions {
  std::vector<std::string> inputs;  // files, directories (*.log, *.json, ... optionally .gz), "-"
  std::string format = "auto";      // auto, zeek-json, zeek-tsv, suricata-eve, sysmon-ecs, ...
  int threads = 0;                  // 0: one per core (at most 16)
  std::string since;                // RFC 3339; events before are not matched
  std::string until;                // RFC 3339; events from then on are not matched
  std::string out_path;             // alerts; "" or "-" for standard output
  bool follow = false;              // one file, read as it grows until interrupted
  bool subdomains = false;
  bool include_warned = false;             // match indicators that hit a warning list
  std::vector<std::string> warning_lists;  // more lists for this scan
  bool no_sightings = false;
  std::string node_name;  // this node's identity name; default $CONCORD_NODE_NAME or the host
};
// Scans telemetry against the store's active indicators: alerts as JSON lines, sightings into
// the store, a summary on standard error. Exit 1 when lines were skipped, 2 on failure.
int RunScan(const DataDir& dir, const ScanCommandOptions& options, const OutputOptions& out,
            Clock* clock);

struct WarningListAddOptions {
  std::string file;
  std::string name;  // default: the file's base name without extension
};
// Checks a warning list (MISP JSON or plain text) and keeps a copy in the data directory, where
// import and scan read it. `list` shows the built-in and stored lists.
int RunWarningListAdd(const DataDir& dir, const WarningListAddOptions& options,
                      const OutputOptions& out);
int RunWarningListList(const DataDir& dir, const OutputOptions& out);

// Administration of sharing (docs/taxii.md): API roots, partners, their tokens and rights.
struct ApiRootOptions {
  std::string name;
  std::string title;
  std::string description;
};
int RunApiRootCreate(const DataDir& dir, const ApiRootOptions& options, const OutputOptions& out,
                     Clock* clock);
int RunApiRootList(const DataDir& dir, const OutputOptions& out, Clock* clock);

struct PartnerOptions {
  std::string name;
  std::string identity_id;  // "identity--..." or ""
  std::string cert_file;    // a PEM client certificate that authenticates the partner, or ""
};
int RunPartnerAdd(const DataDir& dir, const PartnerOptions& options, const OutputOptions& out,
                  Clock* clock);
int RunPartnerList(const DataDir& dir, const OutputOptions& out, Clock* clock);

// Tokens: issue prints the new token once (it is stored only as an Argon2id hash); rotate
// revokes every token of the partner and issues a new one; revoke takes a token id.
int RunTokenIssue(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                  Clock* clock);
int RunTokenRotate(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                   Clock* clock);
int RunTokenRevoke(const DataDir& dir, const std::string& token_id, const OutputOptions& out,
                   Clock* clock);
int RunTokenList(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                 Clock* clock);

struct GrantOptions {
  std::string partner;
  std::string collection;  // id or alias
  bool read = false;
  bool write = false;  // neither: the grant is removed
};
int RunGrant(const DataDir& dir, const GrantOptions& options, const OutputOptions& out,
             Clock* clock);
int RunGrantList(const DataDir& dir, const OutputOptions& out, Clock* clock);

struct ServeOptions {
  std::string listen = "127.0.0.1:8443";  // address:port, IPv6 as [::1]:8443
  std::string cert_file;                  // default: <data dir>/tls/server.pem
  std::string key_file;                   // default: <data dir>/tls/server.key
  std::string client_ca_file;             // ask clients for certificates signed by this CA
  bool plain_http = false;                // loopback only
  std::string public_url;                 // default: derived from listen
  int threads = 2;
  uint64_t max_content_length = uint64_t{10} << 20;
  size_t max_connections = 4096;
  bool quiet = false;                               // no access log
  std::string agreements_file;                      // default: <data dir>/agreements.toml
  std::chrono::milliseconds reload_interval{2000};  // how often the file is looked at
};
// Serves TAXII 2.1 until SIGINT or SIGTERM, then finishes requests in flight and exits 0.
int RunServe(const DataDir& dir, const ServeOptions& options, const OutputOptions& out,
             Clock* clock);

// `concord sync status`: per partner and collection, the last success, lag, errors.
int RunSyncStatus(const DataDir& dir, const OutputOptions& out, Clock* clock);
// `concord sync run`: one federation round with every partner now (as serve does on schedule).
int RunSyncRun(const DataDir& dir, const std::string& agreements_file, const OutputOptions& out,
               Clock* clock);
// `concord agreements check`: reads and checks the agreements file, and summarises it.
int RunAgreementsCheck(const DataDir& dir, const std::string& agreements_file,
                       const OutputOptions& out);
// `concord adversaries`: the threats whose indicators more than one partner sighted.
int RunAdversaries(const DataDir& dir, size_t min_sighters, const OutputOptions& out, Clock* clock);

struct TaxiiOptions {
  std::string url;         // the server (origin or any URL on it)
  std::string api_root;    // URL or path; default: discovery's default
  std::string collection;  // remote collection id (pull, push)
  std::string token_file;  // default: $CONCORD_TAXII_TOKEN
  std::string user;        // HTTP Basic user; default bearer
  std::string ca_file;
  std::string client_cert_file;
  std::string client_key_file;
  // pull:
  std::string into;         // local collection (id or alias, created when missing)
  std::string partner;      // provenance name of pulled objects; default: the server's host
  std::string added_after;  // start after this; default: where the last pull stopped
  bool restart = false;     // ignore where the last pull stopped
  size_t limit = 1000;      // objects per page
  std::vector<std::string> types;
  // push:
  std::string from;             // local collection (id or alias) to push; "" for the whole store
  std::string for_partner;      // the partner whose agreement decides what may be sent
  std::string agreements_file;  // default: <data dir>/agreements.toml
};
int RunTaxiiDiscover(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                     Clock* clock);
int RunTaxiiCollections(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                        Clock* clock);
// Pages through a remote collection and imports what is valid into the store, resuming where the
// last pull of the same server and collection stopped.
int RunTaxiiPull(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                 Clock* clock);
// Sends stored objects (never TLP:RED) to a remote collection.
int RunTaxiiPush(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                 Clock* clock);

}  // namespace concord::cli
