# Sourced by ./thinkroute, ./test and .ci/run: sets JAVA_HOME to a JDK >= 21 or exits with advice.
# Order: $JAVA_HOME, the java on PATH, then the usual install folders.

_tr_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); if (v[1] == "1") print v[2]; else print v[1]; exit}'
}

_tr_try_home() { # $1: candidate JAVA_HOME; succeeds if it holds java and javac >= 21
  [ -n "$1" ] && [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local major; major=$(_tr_java_major "$1/bin/java")
  [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null
}

_tr_find_java() {
  if _tr_try_home "${JAVA_HOME:-}"; then return 0; fi
  if command -v java >/dev/null 2>&1; then
    local from_path; from_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if _tr_try_home "$from_path"; then JAVA_HOME=$from_path; return 0; fi
  fi
  local candidate
  # Newest first, so a machine with several JDKs runs the most recent one.
  for candidate in $(ls -d /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/jdk* /usr/java/* \
                       "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /Library/Java/JavaVirtualMachines/*/Contents/Home \
                       2>/dev/null | sort -rV); do
    if _tr_try_home "$candidate"; then JAVA_HOME=$candidate; return 0; fi
  done
  return 1
}

if ! _tr_find_java; then
  echo "thinkroute needs a JDK 21 or newer (java and javac), and none was found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
  echo "Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21/25 from https://adoptium.net, or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# Maven itself runs on this JDK; from JDK 24 on, its bundled Guava prints sun.misc.Unsafe warnings on every build.
if [ "$(_tr_java_major "$JAVA_HOME/bin/java")" -ge 24 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in
    *sun-misc-unsafe-memory-access*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
