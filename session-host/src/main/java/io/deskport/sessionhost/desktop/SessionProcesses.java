package io.deskport.sessionhost.desktop;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processes of the sessions. Each is started as its session's account (when the agent runs as root), in a
 * process session of its own (signals to the agent's process group do not reach it), in the session's cgroup
 * (and v1 cpu group) before it runs anything, with a clean environment and its output in the session's log. At
 * logoff they all end together: through the session's cgroup, or without cgroups by process tree.
 */
final class SessionProcesses {

    private final Optional<SessionCgroups> cgroups;
    private final SessionFiles files;
    private final boolean root;

    SessionProcesses(Optional<SessionCgroups> cgroups, SessionFiles files, boolean root) {
        this.cgroups = cgroups;
        this.files = files;
        this.root = root;
    }

    /** Gives the session a cgroup of its own (its {@code cgroup}) when this host uses cgroups. */
    void createCgroup(DesktopSession s) throws IOException {
        if (cgroups.isPresent()) {
            s.cgroup = cgroups.get().create(s.id());
        }
    }

    /** Starts a process of the session. */
    Process spawn(DesktopSession s, List<String> command, Map<String, String> extraEnv) throws IOException {
        return spawn(s, command, extraEnv, null);
    }

    /** Starts a process of the session in the directory (null: the account's home). */
    Process spawn(DesktopSession s, List<String> command, Map<String, String> extraEnv, Path directory)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                "if [ -n \"$DESKPORT_CGROUP_PROCS\" ]; then echo $$ > \"$DESKPORT_CGROUP_PROCS\" || exit 97; fi; "
                        + "if [ -n \"$DESKPORT_CPU_CGROUP_PROCS\" ]; then echo $$ > \"$DESKPORT_CPU_CGROUP_PROCS\" 2>/dev/null; fi; "
                        + "unset DESKPORT_CGROUP_PROCS DESKPORT_CPU_CGROUP_PROCS; exec \"$@\"", "sh"));
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=" + s.account.uid(), "--regid=" + s.account.gid(), "--init-groups", "--"));
        }
        cmd.add("setsid"); // its own process session: signals to the agent's process group do not reach it
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.clear();
        Map<String, String> base = new LinkedHashMap<>();
        base.put("HOME", s.account.home().toString());
        base.put("USER", s.account.name());
        base.put("LOGNAME", s.account.name());
        base.put("SHELL", s.account.shell());
        base.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        base.put("LANG", "C.UTF-8");
        base.put("XAUTHORITY", files.authFile(s).toString());
        base.put("DESKPORT_SESSION_ID", s.id().toString());
        if (s.cgroup != null) {
            base.put("DESKPORT_CGROUP_PROCS", s.cgroup.resolve("cgroup.procs").toString());
            Path cpu = cgroups.map(c -> c.cpuProcs(s.cgroup)).orElse(null);
            if (cpu != null) {
                base.put("DESKPORT_CPU_CGROUP_PROCS", cpu.toString());
            }
        }
        base.putAll(extraEnv);
        env.putAll(base);
        File home = directory != null && directory.toFile().isDirectory() ? directory.toFile() : s.account.home().toFile();
        pb.directory(home.isDirectory() ? home : new File("/"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(files.log(s).toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    /**
     * Ends every process of the session: those of its cgroup (which then goes, with its cpu group), or without one
     * the process trees of its Xvnc and desktop.
     */
    void end(DesktopSession s) {
        if (s.cgroup != null) {
            SessionCgroups.end(s.cgroup);
            cgroups.ifPresent(c -> c.removeCpu(s.cgroup));
        } else {
            List<Process> all = new ArrayList<>(s.applications);
            all.add(s.desktop);
            all.add(s.xvnc);
            for (Process p : all) {
                if (p != null) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * Ends the processes of the session cgroups a previous run of the agent left behind.
     *
     * @return how many such cgroups there were
     */
    int endLeftovers() throws IOException {
        int n = 0;
        if (cgroups.isPresent()) {
            for (Path cg : cgroups.get().leftovers()) {
                SessionCgroups.end(cg);
                n++;
            }
            cgroups.get().removeCpuLeftovers();
        }
        return n;
    }

    /** Removes the agent's cgroup (once no session is left). */
    void close() {
        cgroups.ifPresent(SessionCgroups::removeRoot);
    }
}
