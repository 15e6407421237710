// The kplab verbs. Each takes the arguments after the verb name (argv[0] is
// "kplab VERB"), prints its own --help, and returns the process exit code.
#pragma once

namespace kplab::cli {

int prepare(int argc, char** argv);
int lint_onnx(int argc, char** argv);
int export_model(int argc, char** argv);
int train(int argc, char** argv);
int eval(int argc, char** argv);
int report(int argc, char** argv);
int predict(int argc, char** argv);
int bench(int argc, char** argv);
int ablate(int argc, char** argv);
int release(int argc, char** argv);
int models(int argc, char** argv);
int schema_from_yolo(int argc, char** argv);
int to_yolo(int argc, char** argv);
int classify(int argc, char** argv);
int posture_report(int argc, char** argv);
int serve(int argc, char** argv);

}  // namespace kplab::cli
