// The `kplab serve` web server: one page, an upload endpoint that queues a
// job, a status endpoint the page polls, and a job's files by fixed names.
// cpp-httplib (Debian's libcpp-httplib-dev) parses HTTP; this file only
// routes. Job folders live under one temporary root removed with the app.
#pragma once

#include <memory>
#include <string>

#include "serve/serve_options.h"

namespace kplab {

class ServeApp {
 public:
  // Checks the options, creates the temporary root and runs one warm-up
  // prediction (a blank picture) so a bad model or classifier fails here,
  // before the page is offered.
  explicit ServeApp(const ServeOptions& options);
  // Stops serving, finishes the running job, removes the temporary root.
  ~ServeApp();
  ServeApp(const ServeApp&) = delete;
  ServeApp& operator=(const ServeApp&) = delete;

  // Binds host:port (port 0: any free one) and returns the port; throws when it cannot.
  int bind();
  // Serves until stop() (from another thread or a signal watcher).
  void listen();
  void stop();
  // The folder job folders are made in.
  std::string temp_root() const;
  // The warm-up prediction's wall time (model load included), for the start message.
  double warm_up_ms() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kplab
