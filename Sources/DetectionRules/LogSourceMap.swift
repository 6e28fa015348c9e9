import Yams
import RecordParsing

/// Which records each Sigma `logsource` means: the record formats (parsers) a rule sees, the programs
/// that wrote the lines, and whether any field name is allowed (rule-format §3.4, `logsources.yml`).
///
/// Rules never depend on file names: a logsource is resolved to formats and program names. The built-in
/// map is ``defaultText`` (`spoor logsources` prints it); `--logsources FILE` replaces it. An entry
/// matches a rule's logsource when its `category` and `service` are equal and its `product` is equal or
/// either side has none; the first matching entry wins. A logsource no entry matches is a load error,
/// never a rule that runs on everything or on nothing.
public struct LogSourceMap: Sendable {
    public struct Entry: Sendable {
        public var logSource: LogSource
        public var scope: LogSourceScope
    }

    /// The name the map's file has (and folders of rules skip).
    public static let fileName = "logsources.yml"
    public let entries: [Entry]
    /// The YAML text the map was read from.
    public let text: String

    static let entryKeys: Set<String> = ["logsource", "formats", "programs", "programless_formats", "open_fields", "description"]
    static let formatGroups: [String: [RecordFormat]] = [
        "syslog": [.syslogRFC3164, .syslogRFC3339, .syslogRFC5424],
    ]

    /// The built-in map.
    public static let builtIn: LogSourceMap = {
        do { return try LogSourceMap(yaml: defaultText, path: "<built-in \(fileName)>") } catch {
            fatalError("the built-in logsource map does not load: \(error)")
        }
    }()

    /// Reads a map; errors name the path and line.
    public init(yaml: String, path: String) throws(RuleLoadError) {
        func fail(_ message: String, _ node: Node?) -> RuleLoadError {
            RuleLoadError(path: path, line: node?.mark?.line, message: message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch { throw RuleLoadError(path: path, message: "YAML: \(error)") }
        guard let list = root?.sequence else { throw fail("a logsource map is a list of entries", root) }
        var entries: [Entry] = []
        for node in list {
            guard let map = node.mapping else { throw fail("each entry is a mapping", node) }
            try TestBlockParser.checkKeys(map, allowed: Self.entryKeys, where: "logsource map entry", fail: fail)
            guard let sourceMap = map["logsource"]?.mapping else { throw fail("an entry needs a logsource mapping", node) }
            try TestBlockParser.checkKeys(sourceMap, allowed: ["product", "service", "category"], where: "logsource", fail: fail)
            let source = LogSource(product: sourceMap["product"]?.string, service: sourceMap["service"]?.string, category: sourceMap["category"]?.string)
            func formats(_ key: String) throws(RuleLoadError) -> Set<RecordFormat>? {
                guard let node = map[key] else { return nil }
                guard let names = node.sequence?.compactMap(\.string) else { throw fail("\(key) is a list of record formats", node) }
                var result = Set<RecordFormat>()
                for name in names {
                    if let group = Self.formatGroups[name] { result.formUnion(group); continue }
                    guard let format = RecordFormat(rawValue: name) else {
                        let known = (RecordFormat.allCases.map(\.rawValue) + Self.formatGroups.keys).sorted().joined(separator: ", ")
                        throw fail("unknown record format '\(name)' (known: \(known))", node)
                    }
                    result.insert(format)
                }
                return result
            }
            var programs: [String]?
            if let node = map["programs"] {
                guard let names = node.sequence?.compactMap(\.string), !names.isEmpty else { throw fail("programs is a non-empty list of program names", node) }
                programs = names
            }
            var scope = LogSourceScope(programs: programs, formats: try formats("formats"), allowsOpenKeys: map["open_fields"]?.bool ?? false)
            if let programless = try formats("programless_formats") { scope.programlessFormatMask = LogSourceScope.mask(of: programless) }
            entries.append(Entry(logSource: source, scope: scope))
        }
        self.entries = entries
        text = yaml
    }

    /// The scope of a rule's logsource; nil when no entry maps it.
    public func scope(for source: LogSource) -> LogSourceScope? {
        entries.first { entry in
            entry.logSource.category == source.category && entry.logSource.service == source.service
                && (entry.logSource.product == source.product || entry.logSource.product == nil || source.product == nil)
        }?.scope
    }

    /// The built-in map, as `spoor logsources` prints it.
    public static let defaultText = """
    # spoor logsources.yml: what each Sigma `logsource` means in Linux text logs.
    # formats: record formats the rules see (syslog = RFC 3164, RFC 3339 and RFC 5424 headers);
    #          absent means every format. Formats are recognised per line, never from file names.
    # programs: syslog tags / journald SYSLOG_IDENTIFIER (exact, case-sensitive); absent means any.
    # programless_formats: formats that belong to the service without naming a program.
    # open_fields: any field name is allowed (auditd and journald keys are open sets).
    # An entry matches a rule when category and service are equal and product is equal or absent on
    # either side; the first match wins.

    # Web access logs (Apache/nginx common and combined formats).
    - logsource: {category: webserver}
      formats: [web-access]
    - logsource: {category: proxy}
      formats: [web-access]
    - logsource: {product: apache, service: access}
      formats: [web-access]
    - logsource: {product: nginx, service: access}
      formats: [web-access]
    - logsource: {product: apache}
      formats: [web-access]
    - logsource: {product: nginx}
      formats: [web-access]
    - logsource: {service: access}
      formats: [web-access]

    # Every Linux log, whatever wrote it.
    - logsource: {product: linux}
      open_fields: true

    # System and authentication logs (auth.log, secure, syslog, messages, the journal).
    - logsource: {product: linux, service: auth}
      formats: [syslog, journal-json, unrecognised]
    - logsource: {product: linux, service: syslog}
      formats: [syslog, journal-json, unrecognised]
    - logsource: {product: linux, service: auditd}
      formats: [auditd]
      open_fields: true
    - logsource: {product: linux, service: journald}
      formats: [journal-json]
    - logsource: {product: linux, service: journal}
      formats: [journal-json]

    # Services, by the programs that log for them. OpenSSH >= 9.8 logs as sshd-session and sshd-auth.
    - logsource: {product: linux, service: sshd}
      formats: [syslog, journal-json]
      programs: [sshd, sshd-session, sshd-auth, sftp-server, internal-sftp]
    - logsource: {product: linux, service: sudo}
      formats: [syslog, journal-json]
      programs: [sudo]
    - logsource: {product: linux, service: su}
      formats: [syslog, journal-json]
      programs: [su]
    - logsource: {product: linux, service: cron}
      formats: [syslog, journal-json]
      programs: [cron, CRON, crond, anacron]
    # vsftpd's own log file names no program: its format says whose it is.
    - logsource: {product: linux, service: vsftpd}
      formats: [syslog, journal-json, vsftpd-log]
      programs: [vsftpd]
      programless_formats: [vsftpd-log]
    - logsource: {product: linux, service: proftpd}
      formats: [syslog, journal-json, proftpd-log]
      programs: [proftpd]
    - logsource: {product: linux, service: clamav}
      formats: [syslog, journal-json]
      programs: [clamd, freshclam, clamscan]
    - logsource: {product: linux, service: guacamole}
      formats: [syslog, journal-json]
      programs: [guacd, guacamole]

    # Login records rendered from the binary files. Whether struct utmp records are wtmp or btmp is
    # only hinted by the file name, and `utmp` means "not told": wtmp and btmp rules see utmp too.
    - logsource: {product: linux, service: wtmp}
      formats: [syslog]
      programs: [wtmp, utmp]
    - logsource: {product: linux, service: btmp}
      formats: [syslog]
      programs: [btmp, utmp]
    - logsource: {product: linux, service: lastlog}
      formats: [syslog]
      programs: [lastlog]
    - logsource: {product: linux, service: login}
      formats: [syslog]
      programs: [wtmp, btmp, utmp, lastlog]
    """
}
