// read_at_revision() (include/sgcheck/diff.h): the inputs of `diff --old-rev REV PATH…` as
// revision REV held them, read with the git command (the only place sgcheck runs a program):
// `git rev-parse` checks the repository and the revision, `git ls-tree -r` lists each PATH's files,
// `git cat-file blob` reads each. Arguments are passed as a vector (no shell).
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "sgcheck/diff.h"

namespace sgcheck {

namespace {

struct GitRun {
  bool started = false;
  int status = -1;  // the exit status, or -1
  std::string out;
  std::string err;
};

// Runs git with `args`, capturing stdout and stderr (stderr is read after stdout ends; git writes
// little there).
GitRun run_git(const std::vector<std::string>& args) {
  GitRun run;
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0) return run;
  if (pipe(err_pipe) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return run;
  }
  std::vector<char*> argv;
  std::vector<std::string> all{"git"};
  all.insert(all.end(), args.begin(), args.end());
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    close(out_pipe[0]);
    close(err_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    execvp("git", argv.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return run;
  }
  const auto drain = [](int fd, std::string& into) {
    std::array<char, 65536> buffer;
    for (;;) {
      const ssize_t n = read(fd, buffer.data(), buffer.size());
      if (n > 0) {
        into.append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        break;
      }
    }
    close(fd);
  };
  drain(out_pipe[0], run.out);
  drain(err_pipe[0], run.err);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.started = !(WIFEXITED(status) && WEXITSTATUS(status) == 127 && run.err.empty());
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

Diagnostic error(std::string message) {
  Diagnostic d;
  d.severity = Severity::error;
  d.message = std::move(message);
  d.location.file = "--old-rev";
  return d;
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

bool ends_with(std::string_view path, std::string_view ext) {
  return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
}

bool inputs_name(std::string_view path) {
  for (const std::string_view ext : {".json", ".yaml", ".yml", ".template"})
    if (ends_with(path, ext)) return true;
  return false;
}

// Terraform source is read as modules of directories on disk (module calls follow relative paths),
// which a revision's blobs are not: such a file is an error rather than a side left without it,
// which would report every group it defines as added.
bool terraform_name(std::string_view path) {
  return ends_with(path, ".tf") || ends_with(path, ".tfvars");
}

}  // namespace

RevisionFiles read_at_revision(std::string_view revision, const std::vector<std::string>& paths) {
  RevisionFiles result;
  const GitRun repo = run_git({"rev-parse", "--show-toplevel"});
  if (!repo.started) {
    result.errors.push_back(error("cannot run git, which --old-rev needs"));
    return result;
  }
  if (repo.status != 0) {
    result.errors.push_back(error("not in a git repository: " + first_line(repo.err)));
    return result;
  }
  const std::string rev(revision);
  const GitRun commit =
      run_git({"rev-parse", "--verify", "--quiet", "--end-of-options", rev + "^{commit}"});
  if (commit.status != 0) {
    result.errors.push_back(error("unknown revision '" + rev + "'"));
    return result;
  }
  const std::string id = first_line(commit.out);
  for (const std::string& path : paths) {
    // Paths as the working tree names them (ls-tree prints them relative to the current
    // directory); a named file is read whatever its extension, as load_inventory() reads it.
    const GitRun listed = run_git({"ls-tree", "-r", "-z", "--name-only", id, "--", path});
    if (listed.status != 0) {
      result.errors.push_back(
          error("git ls-tree " + rev + " " + path + ": " + first_line(listed.err)));
      continue;
    }
    std::size_t start = 0;
    while (start < listed.out.size()) {
      const std::size_t end = listed.out.find('\0', start);
      std::string name = listed.out.substr(start, end - start);
      start = end == std::string::npos ? listed.out.size() : end + 1;
      std::string trimmed = path;
      while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
      if (terraform_name(name)) {
        result.errors.push_back(
            error(name + " at " + rev + ": Terraform source is not read from a revision; compare "
                         "two checkouts with `sgcheck diff OLD NEW`, or plans with --old-rev"));
        continue;
      }
      if (name != trimmed && !inputs_name(name)) continue;
      const GitRun blob = run_git({"cat-file", "blob", id + ":./" + name});
      if (blob.status != 0) {
        result.errors.push_back(
            error("git cat-file " + rev + ":" + name + ": " + first_line(blob.err)));
        continue;
      }
      result.files.push_back(NamedBuffer{name, blob.out});
    }
  }
  return result;
}

}  // namespace sgcheck
