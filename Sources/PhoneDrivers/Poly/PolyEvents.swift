import CallModel

/// One call's state as a telephony notification reported it.
struct PolyCallReport: Sendable, Equatable {
    /// The phone's `CallReference`, kept as the call id.
    var reference: String
    var state: PolyCallState
    /// From `CallType` or the event name, when the phone says.
    var direction: CallDirection?
    /// The calling party (the remote side of an inbound call).
    var calling: CallParty
    /// The called party (the remote side of an outbound call; for an inbound call, the number dialled).
    var called: CallParty
}

/// What one notification element means to the driver.
enum PolyNotification: Sendable, Equatable {
    /// A call changed state.
    case call(PolyCallReport)
    /// A valid notification that changes no call: hook, lock, registration, login, or a call event without a
    /// `CallReference` (the `CallStateChangeEvent` that accompanies it carries the call).
    case informational(String)
}

/// Poly's Telephony Event Notification XML (POSTed by the phone to `apps.telNotification.URL`), as data.
///
/// | element | handling |
/// | --- | --- |
/// | `CallStateChangeEvent` (`CallReference`, `CallState` attributes; `CallLineInfo/CallInfo`) | per-call state → `PolyCallTracker` |
/// | `IncomingCallEvent` | `Offering` for its `CallReference` if it has one, else informational |
/// | `OutgoingCallEvent` | `Setup` for its `CallReference` if it has one, else informational |
/// | `OffHookEvent`, `OnHookEvent` | informational (hook state is a hint, not a call event) |
/// | `PhoneLockedEvent`, `PhoneUnlockedEvent`, `LineRegistrationEvent`, `LineUnregistrationEvent`, `UserLoginEvent`, `UserLogoutEvent`, other `…Event` | informational |
///
/// SIP 3.1-era firmware wraps the same elements in `<PolycomIPPhone>`; both shapes are read.
enum PolyEvents {
    /// How an element is read.
    enum Handling: Sendable {
        /// A call event naming its direction and the state it stands for.
        case callEvent(state: PolyCallState, direction: CallDirection)
        case callStateChange
        case informational
    }

    /// The event table: vendor element name → handling. Unlisted names ending in `Event` are informational.
    static let table: [String: Handling] = [
        "IncomingCallEvent": .callEvent(state: .offering, direction: .inbound),
        "OutgoingCallEvent": .callEvent(state: .setup, direction: .outbound),
        "CallStateChangeEvent": .callStateChange,
        "OffHookEvent": .informational,
        "OnHookEvent": .informational,
        "PhoneLockedEvent": .informational,
        "PhoneUnlockedEvent": .informational,
        "LineRegistrationEvent": .informational,
        "LineUnregistrationEvent": .informational,
        "UserLoginEvent": .informational,
        "UserLogoutEvent": .informational,
    ]

    /// Why a document is not a telephony notification.
    struct Invalid: Error, Sendable {
        var reason: String
    }

    /// Reads every notification in a parsed document, or refuses the whole document.
    static func notifications(in root: XMLElementNode) throws(Invalid) -> [PolyNotification] {
        let elements = root.name == "PolycomIPPhone" ? root.children : [root]
        guard !elements.isEmpty else { throw Invalid(reason: "PolycomIPPhone holds no event") }
        var result: [PolyNotification] = []
        for element in elements {
            result += try notifications(of: element)
        }
        return result
    }

    private static func notifications(of element: XMLElementNode) throws(Invalid) -> [PolyNotification] {
        switch table[element.name] {
        case .callEvent(let state, let direction)?:
            return [try callEvent(element, state: state, direction: direction)]
        case .callStateChange?:
            return try callStateChange(element).map(PolyNotification.call)
        case .informational?:
            return [.informational(element.name)]
        case nil where element.name.hasSuffix("Event") && element.name.count <= 64:
            return [.informational(element.name)]
        case nil:
            throw Invalid(reason: "\(element.name.prefix(64)) is not a Poly telephony event")
        }
    }

    private static func callEvent(
        _ element: XMLElementNode, state: PolyCallState, direction: CallDirection
    ) throws(Invalid) -> PolyNotification {
        guard let reference = nonEmpty(element.attribute("CallReference")) ?? nonEmpty(element.text(at: "CallReference"))
        else { return .informational(element.name) }
        return .call(
            PolyCallReport(
                reference: try checked(reference), state: state, direction: direction,
                calling: party(element, number: "CallingPartyNumber", name: "CallingPartyName"),
                called: party(element, number: "CalledPartyNumber", name: "CalledPartyName")))
    }

    /// The attributes name the call that changed; without them every `CallInfo` block reports its own call.
    private static func callStateChange(_ element: XMLElementNode) throws(Invalid) -> [PolyCallReport] {
        let infos = element.descendants(named: "CallInfo")
        if let reference = nonEmpty(element.attribute("CallReference")) {
            let reference = try checked(reference)
            let info = infos.first { $0.text(at: "CallReference") == reference } ?? infos.first
            guard let stateName = nonEmpty(element.attribute("CallState")) ?? nonEmpty(info?.text(at: "CallState"))
            else { throw Invalid(reason: "CallStateChangeEvent without CallState") }
            return [report(reference: reference, stateName: stateName, info: info)]
        }
        var reports: [PolyCallReport] = []
        for info in infos {
            guard let reference = nonEmpty(info.text(at: "CallReference")),
                let stateName = nonEmpty(info.text(at: "CallState"))
            else { continue }
            reports.append(report(reference: try checked(reference), stateName: stateName, info: info))
        }
        guard !reports.isEmpty else { throw Invalid(reason: "CallStateChangeEvent without CallReference") }
        return reports
    }

    private static func report(reference: String, stateName: String, info: XMLElementNode?) -> PolyCallReport {
        let direction: CallDirection? =
            switch info?.text(at: "CallType")?.lowercased() {
            case "incoming": .inbound
            case "outgoing": .outbound
            default: nil
            }
        return PolyCallReport(
            reference: reference, state: PolyCallState(vendorName: stateName), direction: direction,
            calling: info.map { party($0, number: "CallingPartyDirNum", name: "CallingPartyName") } ?? CallParty(address: nil),
            called: info.map { party($0, number: "CalledPartyDirNum", name: "CalledPartyName") } ?? CallParty(address: nil))
    }

    private static func party(_ element: XMLElementNode, number: String, name: String) -> CallParty {
        CallParty(address: element.text(at: number), displayName: element.text(at: name))
    }

    private static func checked(_ reference: String) throws(Invalid) -> String {
        guard PolyCallReference.isValid(reference) else {
            throw Invalid(reason: "CallReference is not a printable handle of at most 64 characters")
        }
        return reference
    }

    /// The doc's templates show blank attributes (`CallReference=" "`): blank means absent.
    private static func nonEmpty(_ value: String?) -> String? {
        guard let trimmed = value?.polyTrimmed(), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
