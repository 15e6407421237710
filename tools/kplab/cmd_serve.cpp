// kplab serve: a local web page for people who do not use a terminal: upload
// a photo or a video, see the skeleton, the posture measures and the
// verdict, download the results (src/serve/serve_app.h).
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <cstdio>
#include <cxxopts.hpp>
#include <string>
#include <thread>

#include "core/error.h"
#include "serve/serve_app.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

// Ctrl-C or a TERM stops the server through the normal path, so the
// temporary folders are removed. LibTorch and OpenCV start threads before
// this verb runs, so masking the signals cannot route them to one thread: a
// handler (any thread may run it) writes a byte to a pipe, and a watcher
// thread reading the pipe stops the server.
int g_stop_pipe[2] = {-1, -1};

void on_stop_signal(int) {
  const char byte = 1;
  [[maybe_unused]] const ssize_t n = ::write(g_stop_pipe[1], &byte, 1);  // async-signal-safe
}

std::thread stop_on_signal(ServeApp& app) {
  KP_CHECK(::pipe(g_stop_pipe) == 0, "kplab serve: cannot make a pipe for Ctrl-C");
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  return std::thread([&app] {
    char byte = 0;
    while (::read(g_stop_pipe[0], &byte, 1) < 0 && errno == EINTR) {
    }
    if (byte == 1) std::fprintf(stderr, "kplab serve: stopping\n");
    app.stop();
  });
}

}  // namespace

int serve(int argc, char** argv) {
  ServeOptions o;
  cxxopts::Options opts(argv[0],
                        "A local web page: upload a photo or a video, see the skeleton overlay, the posture measures\n"
                        "and the verdict (with --classifier) with its explanation, and download the overlay, the\n"
                        "keypoints CSV and a JSON summary. Each upload runs through the same code as kplab predict.\n"
                        "Safe by default: it listens on 127.0.0.1 only (--host 0.0.0.0 offers it to the network,\n"
                        "without any login), refuses uploads over --max-upload-mb and anything but JPEG, PNG, BMP,\n"
                        "AVI, MP4/MOV and MKV/WebM it can decode, runs one job at a time with --queue waiting (past\n"
                        "that: 'busy', 503), keeps each upload in its own temporary folder and deletes it with the\n"
                        "job's results --keep-seconds after the job ends (and everything when it stops).\n");
  opts.add_options()
      ("model", "exported .onnx file, or a run folder holding model.onnx", cxxopts::value<std::string>(o.model))
      ("schema", "keypoint schema file (default: the schema the exported model carries)",
       cxxopts::value<std::string>(o.schema)->default_value(""))
      ("classifier", "a `kplab classify train` folder: a good/bad verdict with its reasons",
       cxxopts::value<std::string>(o.classifier)->default_value(""))
      ("host", "address to listen on", cxxopts::value<std::string>(o.host)->default_value("127.0.0.1"))
      ("port", "port to listen on (0: any free one)", cxxopts::value<int>(o.port)->default_value("8080"))
      ("max-upload-mb", "largest upload accepted, in MB", cxxopts::value<int64_t>(o.max_upload_mb)->default_value("200"))
      ("queue", "uploads that may wait behind the running one", cxxopts::value<int>(o.queue)->default_value("4"))
      ("keep-seconds", "a finished job's files are deleted this long after it ends",
       cxxopts::value<int>(o.keep_seconds)->default_value("1800"))
      ("job-timeout", "seconds a job may run (a long video) before it is stopped",
       cxxopts::value<int>(o.job_timeout_seconds)->default_value("900"))
      ("blur-faces", "pixelate each person's head in every image and video the page returns",
       cxxopts::value<bool>(o.blur_faces)->default_value("false"))
      ("temp-dir", "where the job folders go (an empty or missing folder; default: a new one in the system's temp)",
       cxxopts::value<std::string>(o.temp_root)->default_value(""))
      ("h,help", "show this help");
  opts.parse_positional({"model"});
  opts.positional_help("MODEL");
  const auto r = parse_args(opts, argc, argv,
                            {"kplab serve runs/posture/finetune/model.onnx --classifier runs/posture/classifier",
                             "kplab serve runs/quickstart --port 9000 --blur-faces"});
  if (!r) return 0;
  require(*r, "model", argv[0], "MODEL");
  ServeApp app(o);
  const int port = app.bind();
  std::printf("kplab serve: model %s loaded and checked in %.0f ms\n", o.model.c_str(), app.warm_up_ms());
  std::printf("kplab serve: open http://%s:%d/ in a browser (Ctrl-C stops it)\n", o.host.c_str(), port);
  std::fflush(stdout);
  std::thread watcher = stop_on_signal(app);
  app.listen();
  const char byte = 2;  // listen() ended on its own: release the watcher too
  [[maybe_unused]] const ssize_t n = ::write(g_stop_pipe[1], &byte, 1);
  watcher.join();
  return 0;
}

}  // namespace kplab::cli
