// probity: option parsing and dispatch. Every failure is one "probity: ..."
// line on stderr and a non-zero exit status.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "catalogue_command.hpp"
#include "compat_command.hpp"
#include "compile_command.hpp"
#include "cli_error.hpp"
#include "index_location.hpp"
#include "list_command.hpp"
#include "man_command.hpp"
#include "manual_command.hpp"
#include "sign_command.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/catalogue/host.hpp"
#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/compiler/object.hpp"

namespace probity::cli {
namespace {

std::string usage() {
  return "usage: probity -n PROGRAM | -s FILE [ARG...] [-e] [-v] [-q] [-o FILE]\n"
         "               [-x OPT[=VAL]] [-c CMD | -p PID] [-f text|json] [--kernel REL]\n"
         "       probity -l [-v] [PATTERN...] [--kernel RELEASE] [--index FILE]\n"
         "       probity compat -s FILE | -n PROGRAM --kernel RELEASE ... | --all\n"
         "              [-f json] [--catalogue DIR] [--overlay FILE]\n"
         "       probity man PROBE [--kernel RELEASE] [--catalogue DIR] [--overlay FILE]\n"
         "       probity manual --format md|man|html -o DIR [--reference]\n"
         "       probity catalogue build|harvest|diff|lint|stats ...\n"
         "       probity --help[=all] | --version\n";
}

// One screen (24 lines of at most 80 columns): the essentials.
std::string help() {
  return "usage: probity -n PROGRAM | -s FILE [-e] [-v] [-q] [-o FILE] [-x OPT=VAL]\n"
         "       probity -l [-v] [PATTERN...]      list probes, or describe them (-v)\n"
         "       probity man PROBE | D_TAG        one probe's or diagnostic's manual entry\n"
         "       probity compat|manual|catalogue|sign ...   (each takes --help)\n"
         "\n"
         "Traces Linux through its documented, stability-rated tracepoints only.\n"
         "  -n PROGRAM      a D program (DTrace's or bpftrace's spellings)\n"
         "  -s FILE [ARG]   the program in FILE; ARGs are its $1, $2, ...\n"
         "  -e              compile and check only (without -e it runs, as root)\n"
         "  -v              the stability report; with -l, every field of each probe\n"
         "  -q              print only what the program prints\n"
         "  -x OPT=VAL      an option: amin=Unstable, allow=hot, bufsize=16m, ...\n"
         "  -c CMD, -p PID  trace while CMD runs, or while PID lives ($target)\n"
         "  --kernel REL    check or list against another catalogued kernel release\n"
         "\n"
         "Start with:\n"
         "  probity -l 'sched:*'                  the scheduler's probes\n"
         "  probity man sched:sched_switch        what a probe means, its fields\n"
         "  probity -n 'syscalls:sys_enter_openat { @[execname] = count(); }'\n"
         "\n"
         "Every option: probity --help=all. The guide: man probity, or\n"
         "probity manual --format html -o DIR. Exit status: 0 success, 1 error,\n"
         "2 bad command line.\n";
}

// Every option, the catalogue and the site files: probity --help=all.
std::string help_all() {
  return usage() +
         "\n"
         "Probity traces Linux through the kernel's static tracepoints only, each one\n"
         "documented in a catalogue with its fields, their types and a DTrace-style\n"
         "stability attribute (Name/Data/Class), and a hazard where enabling it is\n"
         "costly or exposes private data.\n"
         "\n"
         "Compiling programs (D, with DTrace's and bpftrace's spellings):\n"
         "  -n PROGRAM        the program on the command line:\n"
         "                      probity -e -n 'sched:sched_switch { @[comm] = count(); }'\n"
         "  -s FILE [ARG...]  the program in FILE (or a compiled object); ARGs are its\n"
         "                    $1, $2, ...\n"
         "  -e                compile and check, then stop (without -e the program\n"
         "                    runs, as root)\n"
         "  -c CMD / -p PID   run CMD (words split by shell quoting, no shell) / watch\n"
         "                    PID: $target; the run ends when it exits\n"
         "  -o FILE           with -e: write the compiled object (checked, versioned,\n"
         "                    checksummed); when running: write the output there\n"
         "  -v                print the stability report in DTrace's shape (per clause\n"
         "                    with -e) and which predicate parts the kernel's event\n"
         "                    filters evaluate; name each probe a glob leaves out\n"
         "  -q                quiet: print only what the program prints\n"
         "  -f text|json      when running: DTrace's text output (default), or one JSON\n"
         "                    object per line for each printf, trace, aggregation,\n"
         "                    probe firing and drop\n"
         "  -x NAME[=VALUE]   an option, as #pragma D option NAME=VALUE in the program:\n"
         "                      amin=LEVEL or Name/Data/Class: the lowest stability the\n"
         "                        program may use (default Evolving names and data)\n"
         "                      allow=hot,sensitive: enable hazardous probes (forbidden\n"
         "                        ones never)\n"
         "                      bufsize=16m strsize=256 dynvarsize=1m nspec=4\n"
         "                      aggsortkey aggsortrev quiet\n"
         "  --kernel RELEASE  check the program against another catalogued release\n"
         "  --metrics ADDR:PORT\n"
         "                    while it runs, serve the aggregations to Prometheus at\n"
         "                    http://ADDR:PORT/metrics (:PORT: every address); see\n"
         "                    man probity-metrics\n"
         "\n"
         "  Every probe, field, built-in and function has a stability attribute; a\n"
         "  program using anything below the threshold does not compile, and the error\n"
         "  says which element, its attributes and the option that would accept it.\n"
         "  Errors carry a tag such as [D_FIELD_UNKNOWN] that probity man explains.\n"
         "\n"
         "Listing probes:\n"
         "  -l, --list        list the probes matching PATTERN (every probe without\n"
         "                    one): provider:event, stability, hazard, and whether the\n"
         "                    running kernel has it, fitted to $COLUMNS (else the\n"
         "                    terminal's width, else 80)\n"
         "  -v, --verbose     with -l: describe each probe as probity man does: its\n"
         "                    attributes in DTrace's shape, hazard, the releases that\n"
         "                    have it, and every field as a C declaration with its\n"
         "                    stability and meaning\n"
         "  -n PATTERN        with -l: the same as giving PATTERN (as in dtrace -ln)\n"
         "  --kernel RELEASE  the kernel release to list: a catalogued one, exact\n"
         "                    (6.18.44-fc-v657) or a unique prefix (6.18, which prefers\n"
         "                    the running build); default: the running kernel, always\n"
         "                    catalogued (layouts from its tracefs when the index lacks\n"
         "                    it, cached in /var/cache/probity; -v says where from)\n"
         "  --index FILE      the catalogue index to read (see below)\n"
         "\n"
         "The reference manual:\n"
         "  man PROBE         the probe's manual entry: description, stability and\n"
         "                    where it comes from, hazard, releases, fields, layout\n"
         "                    changes across releases and an example program\n"
         "                    (probity man --help)\n"
         "  manual --format md|man|html -o DIR\n"
         "                    write the whole manual: the reference generated from the\n"
         "                    catalogue and the guide (probity manual --help)\n"
         "\n"
         "Probe patterns, in DTrace's or bpftrace's spelling, with globs * ? [...]:\n"
         "  sched:sched_switch  sched:::sched_switch  tracepoint:sched:sched_switch\n"
         "  'sched:*'           sched_switch (any provider)   'sched:sched_wak*,irq:*'\n"
         "\n"
         "Examples:\n"
         "  probity -l 'sched:*'                 the scheduler's probes\n"
         "  probity -lv sched:sched_switch       sched_switch and its fields\n"
         "  probity -l 'syscalls:sys_enter_open*' --kernel 6.18\n"
         "  probity -ev -n 'syscalls:sys_enter_* /execname == \"bash\"/ {\n"
         "                    @[probename] = count(); }'\n"
         "  probity -e -s latency.d -o latency.pob\n"
         "\n"
         "The catalogue:\n"
         "  The probes, their documentation and stability come from YAML files under\n"
         "  catalogue/data in the source tree (kernels/<release>.yaml harvested from\n"
         "  each kernel, providers/<system>.yaml written by people), compiled into a\n"
         "  binary index when probity is built (or by hand: probity catalogue build).\n"
         "  The index read is the first of:\n" +
         index_lookup_description() +
         "  probity catalogue harvest adds the running kernel (probity catalogue --help).\n"
         "\n"
         "Vendors and sites (docs/manual/vendor-overlays.md, site-policy.md):\n"
         "  --catalogue DIR     take the vendor overlays from DIR/vendors/<vendor>/\n"
         "  --overlay FILE      apply exactly this vendor overlay (repeatable)\n"
         "  sign --key KEY.pem FILE...     write FILE.sig, a detached Ed25519 signature\n"
         "  keygen PRIVATE.pem PUBLIC.pem  make an Ed25519 key pair\n" +
         site_lookup_description() +
         "\n"
         "Exit status: 0 success, 1 error (a program that does not compile, a pattern\n"
         "that matches nothing), 2 bad command line.\n";
}

struct CommandLine {
  ListOptions list;
  CompileCommandOptions compile;
  bool list_requested = false;
  bool help_requested = false;
  bool full_help_requested = false;  // --help=all
  bool version_requested = false;
  std::vector<std::string> programs;  // -n, in order
  std::optional<std::string> output_format;  // -f
  std::optional<std::string> command;        // -c
  std::optional<std::string> target_pid;     // -p
};

std::pair<std::string, std::string> split_option(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (text.empty() || equals == 0) throw UsageError("-x needs an option: -x name=value or -x name");
  if (equals == std::string::npos) return {text, ""};
  return {text.substr(0, equals), text.substr(equals + 1)};
}

// "unknown option --kernal; did you mean --kernel?", as -x amn suggests amin.
std::string unknown_long_option(const std::string& argument) {
  static const std::vector<std::string> long_options{"--help",  "--help=all", "--version",   "--list",
                                                     "--verbose", "--kernel", "--index", "--catalogue", "--overlay",
                                                     "--metrics"};
  const std::string name = argument.substr(0, argument.find('='));
  std::string message = "unknown option \"" + argument + "\"";
  if (const std::optional<std::string> close = catalogue::closest_match(name, long_options)) {
    message += "; did you mean " + *close + "?";
  }
  return message;
}

// Short flags may be combined ("-lv", "-ln PATTERN", "-evs FILE").
CommandLine parse(const std::vector<std::string>& arguments) {
  CommandLine command_line;
  ListOptions& options = command_line.list;
  CompileCommandOptions& compile = command_line.compile;
  std::optional<std::string> index_option;
  bool verbose_requested = false;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value");
      return arguments[++i];
    };
    if (argument == "--help" || argument == "-h") {
      command_line.help_requested = true;
      if (i + 1 < arguments.size() && arguments[i + 1] == "all") {
        command_line.full_help_requested = true;
        ++i;
      }
    } else if (argument == "--help=all") {
      command_line.full_help_requested = command_line.help_requested = true;
    } else if (argument == "--version") {
      command_line.version_requested = true;
    } else if (argument == "--list") {
      command_line.list_requested = true;
    } else if (argument == "--verbose") {
      verbose_requested = true;
    } else if (argument == "--kernel" || argument.starts_with("--kernel=")) {
      options.kernel = value("--kernel");
      if (options.kernel->empty()) throw UsageError("--kernel needs a release");
    } else if (argument == "--index" || argument.starts_with("--index=")) {
      index_option = value("--index");
      if (index_option->empty()) throw UsageError("--index needs a file");
    } else if (argument == "--metrics" || argument.starts_with("--metrics=")) {
      compile.metrics = value("--metrics");
      if (compile.metrics->empty()) throw UsageError("--metrics needs ADDR:PORT, e.g. 127.0.0.1:9464");
    } else if (argument == "--catalogue" || argument.starts_with("--catalogue=")) {
      options.site.catalogue_dir = value("--catalogue");
    } else if (argument == "--overlay" || argument.starts_with("--overlay=")) {
      options.site.overlay_files.push_back(value("--overlay"));
    } else if (argument == "--") {
      positional.insert(positional.end(), arguments.begin() + static_cast<std::ptrdiff_t>(i) + 1, arguments.end());
      break;
    } else if (argument.size() > 1 && argument[0] == '-' && argument[1] != '-') {
      for (std::size_t letter = 1; letter < argument.size(); ++letter) {
        const char flag = argument[letter];
        // Flags with a value take the rest of this argument, or the next one.
        const auto flag_value = [&](std::string_view what) -> std::string {
          if (letter + 1 < argument.size()) return argument.substr(letter + 1);
          if (i + 1 < arguments.size()) return arguments[++i];
          throw UsageError(std::string("-") + flag + " needs " + std::string(what));
        };
        if (flag == 'l') {
          command_line.list_requested = true;
        } else if (flag == 'v') {
          verbose_requested = true;
        } else if (flag == 'h') {
          command_line.help_requested = true;
        } else if (flag == 'e') {
          compile.compile_only = true;
        } else if (flag == 'q') {
          compile.quiet = true;
        } else if (std::string_view("nsoxfcp").find(flag) != std::string_view::npos) {
          const std::string text = flag_value(flag == 'n'   ? "a probe description or program"
                                              : flag == 's' ? "a script file"
                                              : flag == 'o' ? "an output file"
                                              : flag == 'x' ? "an option: -x name=value"
                                              : flag == 'f' ? "a format: text or json"
                                              : flag == 'c' ? "a command"
                                                            : "a process id");
          switch (flag) {
            case 'n': command_line.programs.push_back(text); break;
            case 's':
              if (compile.script_file) throw UsageError("-s given twice");
              compile.script_file = text;
              break;
            case 'o': compile.output = text; break;
            case 'x': compile.options.push_back(split_option(text)); break;
            case 'f': command_line.output_format = text; break;
            case 'c': command_line.command = text; break;
            case 'p': command_line.target_pid = text; break;
          }
          break;
        } else {
          throw UsageError(std::string("unknown option -") + flag + " in \"" + argument + "\"");
        }
      }
    } else if (argument.starts_with("--")) {
      throw UsageError(unknown_long_option(argument));
    } else {
      positional.push_back(argument);
    }
  }
  options.verbose = verbose_requested;
  options.index = locate_index(index_option);
  set_vendor_roots(options.site, options.index);
  if (compile.metrics && (command_line.list_requested || compile.compile_only)) {
    throw UsageError("--metrics serves the aggregations of a running program: not with -l or -e");
  }
  if (command_line.list_requested) {
    options.target_pid = command_line.target_pid;
    options.patterns = command_line.programs;
    options.patterns.insert(options.patterns.end(), positional.begin(), positional.end());
    return command_line;
  }
  compile.verbose = verbose_requested;
  compile.kernel = options.kernel;
  compile.index = options.index;
  compile.site = options.site;
  compile.macro_arguments = positional;
  if (compile.quiet) compile.options.insert(compile.options.begin(), {"quiet", ""});
  if (command_line.programs.size() > 1) throw UsageError("give one program with -n (clauses may be combined in it)");
  if (!command_line.programs.empty()) {
    if (compile.script_file) throw UsageError("give a program with -n or a script with -s, not both");
    compile.program_text = command_line.programs.front();
  }
  return command_line;
}

int run(const std::vector<std::string>& arguments) {
  if (arguments.empty()) {
    std::cerr << usage() << "probity --help explains more.\n";
    return exit_usage;
  }
  if (arguments.front() == "catalogue") {
    return run_catalogue({arguments.begin() + 1, arguments.end()}, std::cout, std::cerr);
  }
  if (arguments.front() == "man") {
    return run_man({arguments.begin() + 1, arguments.end()}, std::cout);
  }
  if (arguments.front() == "manual") {
    return run_manual({arguments.begin() + 1, arguments.end()}, std::cout, std::cerr);
  }
  if (arguments.front() == "sign" || arguments.front() == "keygen") return run_sign(arguments, std::cout);
  if (arguments.front() == "compat") {
    return run_compat({arguments.begin() + 1, arguments.end()}, std::cout, std::cerr);
  }
  const CommandLine command_line = parse(arguments);
  if (command_line.help_requested) {
    std::cout << (command_line.full_help_requested ? help_all() : help());
    return 0;
  }
  if (command_line.version_requested) {
    std::cout << "probity " << PROBITY_VERSION << "\n";
    return 0;
  }
  if (command_line.list_requested) return run_list(command_line.list, std::cout, std::cerr);
  const CompileCommandOptions& compile = command_line.compile;
  if (!compile.program_text && !compile.script_file) {
    throw UsageError(compile.macro_arguments.empty()
                         ? "nothing to do: -n PROGRAM or -s FILE runs a program, -l lists probes"
                         : "unexpected argument \"" + compile.macro_arguments.front() +
                               "\" (to list probes: probity -l PATTERN)");
  }
  if (command_line.output_format && *command_line.output_format != "text" &&
      *command_line.output_format != "json") {
    throw UsageError("-f " + *command_line.output_format + ": the output format is text or json");
  }
  if (command_line.command && command_line.target_pid) throw UsageError("give -c or -p, not both");
  CompileCommandOptions with_target = compile;
  with_target.json_output = command_line.output_format == "json";
  with_target.command = command_line.command;
  with_target.target_pid = command_line.target_pid;
  return run_compile(with_target, std::cout, std::cerr);
}

// A closed standard descriptor would be taken by the next file opened, and
// output meant for the terminal would land in it (a tracefs control file, the
// -o file). Each closed one is opened on /dev/null; standard output read-only,
// so that writing to it still fails (EBADF) and says so.
void open_standard_descriptors() {
  for (const int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    const int opened = ::open("/dev/null", fd == STDERR_FILENO ? O_WRONLY : O_RDONLY);
    if (opened >= 0 && opened != fd) {
      ::dup2(opened, fd);
      ::close(opened);
    }
  }
}

std::string one_line(std::string message) {
  constexpr std::string_view prefix = "probity: ";
  if (message.starts_with(prefix)) message.erase(0, prefix.size());
  return message;
}

// A file refused to a sudo user would be a puzzle: root may open anything.
void explain_refusal(std::string_view message) {
  if (message.find("Permission denied") == std::string_view::npos) return;
  if (const auto user = io::invoking_user()) {
    std::cerr << "probity: files named on the command line are opened with the rights of the user who ran probity "
                 "through sudo (uid "
              << user->uid << "), not root's\n";
  }
}

}  // namespace
}  // namespace probity::cli

int main(int argc, char** argv) {
  using namespace probity;
  cli::open_standard_descriptors();
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> arguments(argv + 1, argv + argc);
  try {
    const int status = cli::run(arguments);
    if (!std::cout.flush()) throw cli::CliError("cannot write standard output (closed, or on a full device?)");
    return status;
  } catch (const cli::UsageError& error) {
    std::cerr << "probity: " << error.what() << "\nprobity: see probity --help\n";
    return error.exit_status();
  } catch (const cli::CliError& error) {
    std::cerr << "probity: " << error.what() << "\n";
    cli::explain_refusal(error.what());
    return error.exit_status();
  } catch (const catalogue::HostError& error) {
    std::cerr << "probity: " << error.what() << "\n";
    return cli::exit_failure;
  } catch (const catalogue::IndexError& error) {
    std::cerr << "probity: " << cli::one_line(error.what()) << "\n";
  } catch (const catalogue::TracefsError& error) {
    std::cerr << "probity: " << cli::one_line(error.what()) << "\n";
  } catch (const compiler::ObjectError& error) {
    std::cerr << "probity: " << cli::one_line(error.what()) << "\n";
    cli::explain_refusal(error.what());
  } catch (const catalogue::CatalogueError& error) {
    for (const catalogue::Diagnostic& diagnostic : error.diagnostics()) {
      std::cerr << diagnostic.to_string() << "\n";
      cli::explain_refusal(diagnostic.to_string());
    }
  } catch (const std::exception& error) {
    std::cerr << "probity: " << cli::one_line(error.what()) << "\n";
    cli::explain_refusal(error.what());
  } catch (...) {
    std::cerr << "probity: unexpected error\n";
  }
  return cli::exit_failure;
}
