#pragma once

// The TAXII server behind the HTTPS transport: turns net::HttpRequest into taxii::Request,
// authenticates the caller (auth.h), lets Server answer, and writes the response with the TAXII
// media type. Transport-level refusals (400, 413, 431, 500 from net::HttpsServer) are written
// as TAXII error messages too, through TransportError.
//
// Each I/O thread gets its own store connection and Server (SQLite connections are used from one
// thread at a time); OnThreadStart opens them. Thread-safe otherwise.

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/net/message.h"
#include "concord/store/store.h"
#include "concord/taxii/auth.h"
#include "concord/taxii/server.h"

namespace concord::taxii {

class HttpService {
 public:
  // Opens one more connection to the node's store.
  using StoreOpener = std::function<Result<std::unique_ptr<store::Store>>()>;

  // `clock` must outlive the service; the service must outlive the transport's threads.
  HttpService(ServerConfig config, StoreOpener open_store, Clock* clock, AuthOptions auth = {});
  ~HttpService();

  // For net::ServerOptions::on_thread_start: opens this thread's store connection. If that
  // fails the thread answers 503 (and the failure is remembered: see first_error()).
  void OnThreadStart(int thread_index);

  // For net::HttpsServer: one request in, one response out.
  net::HttpResponse Handle(const net::HttpRequest& request);

  // For net::ServerOptions::error_responder: a TAXII error message of `status`.
  static net::HttpResponse TransportError(int status, std::string_view message);

  // The first failure to open a thread's store, OK when none.
  Status first_error() const;

 private:
  struct ThreadState;
  // The state of the service this thread serves; null before OnThreadStart or when it failed.
  static thread_local ThreadState* current_;
  ServerConfig config_;
  StoreOpener open_store_;
  Clock* clock_;
  Authenticator auth_;
  mutable std::mutex mutex_;  // guards states_ and first_error_
  std::vector<std::unique_ptr<ThreadState>> states_;
  Status first_error_;
};

}  // namespace concord::taxii
