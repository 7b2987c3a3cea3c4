// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * rtbpf's commands: what main() dispatches to, and what rtbpf --help, the
 * man pages and the shell completion say about each (user/docgen generates
 * the last two from this table and the option tables it points to).
 */
#include "commands.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define CLIS(...)                       \
	(const struct cli_cmd *const[]) \
	{                               \
		__VA_ARGS__, NULL       \
	}

const struct command rtbpf_commands[] = {
	{ "monitor", cmd_monitor,
	  "per-CPU wakeup-to-run latency and who caused it (eBPF)",
	  "Measures, per CPU, how long threads wait from becoming runnable "
	  "to running, split into wake-up delivery and run-queue wait, who "
	  "ran instead, and which interrupts, softirqs, IPIs, page faults "
	  "and other tasks reached the CPU. Prints a table per interval and "
	  "a summary with histograms at the end (or NDJSON with --json); "
	  "with --threshold, each wait that long is broken down into what "
	  "ran on the CPU meanwhile. Needs root or CAP_BPF+CAP_PERFMON and a "
	  "kernel with BTF.",
	  "monitor.md", CLIS(&monitor_cli) },
	{ "timerlat", cmd_timerlat,
	  "timer IRQ and thread latency of probe threads, with causes",
	  "Runs one SCHED_FIFO probe thread per watched CPU, sleeping on an "
	  "absolute periodic timer, and measures per CPU, like rtla timerlat "
	  "without the kernel's timerlat tracer, the IRQ latency (timer "
	  "expiry to its handler, read through BTF) and the thread latency "
	  "(expiry to the probe running). With --threshold, each sample that "
	  "late is broken down from the expiry into the IRQ delay, the timer "
	  "IRQ, other interrupts and the threads that ran. Needs root and a "
	  "kernel with BTF.",
	  "timerlat.md", CLIS(&timerlat_cli) },
	{ "osnoise", cmd_osnoise,
	  "how much the OS takes from a spinning thread, and what took it",
	  "Runs one probe thread per watched CPU that spins for --runtime of "
	  "every --period reading the clock, like rtla osnoise without the "
	  "kernel's osnoise tracer: every gap of --threshold or more between "
	  "two reads is noise. Per CPU: the noise, the share of the CPU left "
	  "to the probe and the longest gap, and what took it: IRQs, system "
	  "vectors, softirqs, NMIs and the threads that preempted the probe "
	  "(by name), each net of what interrupted it, and what no event "
	  "explains (a hypervisor, an SMI). SCHED_OTHER unless --prio; "
	  "always a sleep in each period. Needs root and a kernel with BTF.",
	  "osnoise.md", CLIS(&osnoise_cli) },
	{ "apply", cmd_apply, "apply a tuning profile, journaled for revert",
	  "Moves IRQs, kernel threads and workqueues off the latency CPUs, "
	  "sets the profile's sysctls, memory, power and process knobs, and "
	  "makes the --pid processes realtime. Before each change the old "
	  "value is appended and fsynced to /var/lib/rtbpf/state, so revert "
	  "restores exactly what was there, also after a crash at any "
	  "point. --dry-run prints each change as the equivalent shell "
	  "command.",
	  "tune.md", CLIS(&tune_apply_cli) },
	{ "check", cmd_check, "audit the host against a profile (read only)",
	  "Audits the same items apply would change, read only, and prints "
	  "OK, WARN or FAIL for each, with the value wanted and the value "
	  "found; boot parameters the profile wants are printed as a kernel "
	  "command-line fragment. Exits 3 when an item fails (with --strict, "
	  "also when one warns).",
	  "tune.md", CLIS(&tune_check_cli) },
	{ "revert", cmd_revert, "restore exactly what apply changed",
	  "Restores every knob recorded in the journal "
	  "(/var/lib/rtbpf/state) to the value it had before apply, newest "
	  "first, and removes the journal. A knob that someone else changed "
	  "since apply is left alone unless --force is given.",
	  "tune.md", CLIS(&tune_revert_cli) },
	{ "status", cmd_status,
	  "what apply changed, what drifted since, what waits for a reboot",
	  "Reads, without changing anything, what the last apply did: its "
	  "profile, time and CPUs (/var/lib/rtbpf/applied), the knobs of its "
	  "journal that hold another value now than rtbpf wrote (drift), and "
	  "the boot parameters and systemd settings that wait for a reboot "
	  "or a re-exec (--json: NDJSON records). Exits 3 when something "
	  "drifted; reading the journal needs root.",
	  "tune.md", CLIS(&tune_status_cli) },
	{ "profile", cmd_profile,
	  "list the tuning profiles, show one, list their keys",
	  "profile list names the built-in profiles and the files in "
	  "/etc/rtbpf/profiles.d; profile show NAME prints one with its "
	  "includes resolved, as a profile file; profile keys lists every "
	  "key a profile may set, with its values and meaning.",
	  "tune.md",
	  CLIS(&profile_list_cli, &profile_show_cli, &profile_keys_cli) },
	{ "run", cmd_run, "run a command with RT policy, CPUs, mlock",
	  "Sets CPU affinity, NUMA memory policy and a scheduling policy "
	  "(given, or a profile's process.* keys) on itself, optionally "
	  "switches to another user, then executes CMD, so CMD's exit code "
	  "is the command's. --mlock preloads librtbpf-mlock.so (the static "
	  "rtbpf carries it), which locks all of CMD's memory before its "
	  "main() runs.",
	  "tune.md", CLIS(&run_cli) },
	{ "systemd-unit", cmd_systemd_unit,
	  "print a service unit that runs rtbpf run",
	  "Takes run's options and prints a systemd service unit whose "
	  "ExecStart= is `rtbpf run` with them, so a line that works by hand "
	  "runs the same as a service; --user becomes User= with the limits "
	  "run needs, Restart=no unless --restart. CPUs, NUMA nodes, the "
	  "user and the profile are checked on this host first. Prints, for "
	  "review before it is installed; writes nothing.",
	  "tune.md", CLIS(&unit_cli) },
	{ "hold", cmd_hold, "hold the CPU latency limit and timestamp key open",
	  "Keeps the knobs that last only while a process keeps a file open: "
	  "the CPU latency PM QoS limit (/dev/cpu_dma_latency) and the "
	  "kernel's receive-timestamp static key, until SIGINT, SIGTERM or "
	  "SIGHUP. Nothing is journaled, since nothing outlives it; the "
	  "rtbpf-hold.service unit runs it.",
	  "tune.md", CLIS(&hold_cli) },
	{ "xsk", cmd_xsk, "send/receive UDP through AF_XDP (XDP steering)",
	  "xsk send sends UDP datagrams through an AF_XDP socket (or a plain "
	  "socket, to compare); xsk recv attaches an XDP program that steers "
	  "UDP to the given ports into AF_XDP sockets and counts what "
	  "arrives. Needs root.",
	  "xsk.md", CLIS(&xsk_send_cli, &xsk_recv_cli) },
	{ "bench", cmd_bench, "e2e: event to peer latency per stage, matrix",
	  "bench e2e measures the path from a strategy's decision to the "
	  "peer, stage by stage, in network namespaces it creates and "
	  "removes: tuned versus untuned, AF_XDP versus kernel UDP.",
	  "e2e.md", CLIS(&e2e_cli) },
	{},
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = rtbpf_commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c;
	return NULL;
}

const char *command_suggest(const char *word)
{
	const char *names[32];
	size_t n = 0;

	for (const struct command *c = rtbpf_commands; c->name && n < 32; c++)
		names[n++] = c->name;
	return cli_suggest(word, names, n);
}

/* Whether one of c's tables has the option called name. */
static bool command_has(const struct command *c, const char *name)
{
	for (const struct cli_cmd *const *k = c->cli; *k; k++)
		for (const struct cli_opt *o = (*k)->opts; o->name; o++)
			if (!strcmp(o->name, name))
				return true;
	return false;
}

/* The command meant (when it has the option), else the first that has. */
static const struct command *command_with(const char *name,
					  const struct command *meant)
{
	if (meant && command_has(meant, name))
		return meant;
	for (const struct command *c = rtbpf_commands; c->name; c++)
		if (command_has(c, name))
			return c;
	return NULL;
}

void command_global_hint(const char *arg, const struct command *meant,
			 char *buf, size_t len)
{
	static const char *const globals[] = { "--help", "--version",
					       "--verbose" };
	char name[64];
	const struct command *c;
	const char *near, *eq;

	*buf = '\0';
	if (arg[1] && arg[1] != '-' && !arg[2]) {
		near = cli_short_name(arg[1]);
		snprintf(name, sizeof(name), "%s", near ? near : "");
	} else {
		eq = strchr(arg, '=');
		snprintf(name, sizeof(name), "%.*s",
			 (int)(eq ? (size_t)(eq - arg) : strlen(arg)) - 2,
			 arg + 2);
	}
	c = *name ? command_with(name, meant) : NULL;
	if (c) {
		snprintf(buf, len,
			 ": --%s is an option of a command; put it after the "
			 "command (rtbpf %s %s ...)",
			 name, c->name, arg);
		return;
	}
	near = cli_suggest(arg, globals, sizeof(globals) / sizeof(*globals));
	if (near)
		snprintf(buf, len, "; did you mean %s?", near);
}
