// kplab serve: a local web page for people who do not use a terminal: upload
// a photo or a video, see the skeleton, the posture measures and the
// verdict, download the results (src/serve/serve_app.h).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cxxopts.hpp>
#include <string>
#include <thread>

#include "serve/serve_app.h"
#include "verb_args.h"
#include "verbs.h"

namespace kplab::cli {

namespace {

// Ctrl-C or a TERM stops the server through the normal path, so the
// temporary folders are removed: the signals are taken by one thread (sigwait).
std::thread stop_on_signal(ServeApp& app, sigset_t signals) {
  return std::thread([&app, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "kplab serve: stopping (signal %d)\n", sig);
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
  // Blocked before any thread starts, so every thread inherits the mask and only the watcher takes them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ServeApp app(o);
  const int port = app.bind();
  std::printf("kplab serve: model %s loaded and checked in %.0f ms\n", o.model.c_str(), app.warm_up_ms());
  std::printf("kplab serve: open http://%s:%d/ in a browser (Ctrl-C stops it)\n", o.host.c_str(), port);
  std::fflush(stdout);
  std::thread watcher = stop_on_signal(app, signals);
  app.listen();
  pthread_kill(watcher.native_handle(), SIGTERM);  // listen() ended on its own: release the watcher too
  watcher.join();
  return 0;
}

}  // namespace kplab::cli
