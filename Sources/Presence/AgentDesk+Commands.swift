import CallModel
import Foundation

extension AgentDesk {
    /// Performs an agent command; a refused command changes nothing and says why.
    public mutating func perform(
        _ command: AgentCommand, agent: String, now: Date
    ) -> Result<CommandOutcome, AgentCommandError> {
        guard states[agent] != nil, let definition = definitions[agent] else {
            return .failure(AgentCommandError(.unknownAgent, "there is no agent \"\(agent)\""))
        }
        let baseline = baseline(for: [agent])
        do {
            var effects = try apply(command, agent: definition, now: now)
            effects += changes(since: baseline, now: now)
            return .success(CommandOutcome(effects: effects))
        } catch {
            return .failure(error)
        }
    }

    private mutating func apply(
        _ command: AgentCommand, agent definition: AgentDefinition, now: Date
    ) throws(AgentCommandError) -> [DeskEffect] {
        let agent = definition.id
        guard var state = states[agent] else { return [] }
        var effects: [DeskEffect] = []
        switch command {
        case .login, .logout, .ready, .away, .endWrap, .extendWrap:
            let events = try state.acd.apply(Self.acdCommand(command), onCall: isOnCall(agent), now: now)
            effects += notifications(for: events, agent: agent, now: now)
        case .queue(let queue, let enabled):
            guard queues[queue] != nil else {
                throw .badRequest("there is no queue \"\(queue)\" (known: \(queueIDs.joined(separator: ", ")))")
            }
            guard definition.queues.contains(queue) else {
                throw .badRequest("\(agent) is not a member of queue \"\(queue)\"; she can toggle only "
                    + "her own queues (\(definition.queues.joined(separator: ", ")))")
            }
            state.queues[queue] = enabled
        case .presence(let id, let message):
            guard presences[id] != nil else {
                throw .badRequest("there is no presence \"\(id)\" (known: "
                    + configuration.presences.map(\.id).joined(separator: ", ") + ")")
            }
            state.presenceMessage = try PresenceMessage.validate(message)
            state.presence = id
        case .mode(let mode):
            state.mode = mode
        case .dnd(let on):
            state.dnd = on
            effects.append(.drivePhones(agent: agent, phones: definition.phones, .dnd(on)))
        case .forward(let target):
            let trimmed = target?.trimmingCharacters(in: .whitespaces) ?? ""
            if trimmed.isEmpty {
                state.forwardTo = nil
            } else {
                do {
                    state.forwardTo = try DialString(validating: trimmed).value
                } catch {
                    throw AgentCommandError(.invalidNumber, "cannot forward to \"\(ContactFileLimits.clean(trimmed))\": \(error)")
                }
            }
            effects.append(.drivePhones(agent: agent, phones: definition.phones, .forward(state.forwardTo)))
        case .favorite(let contact, let on):
            if on {
                guard self.contact(id: contact) != nil else {
                    throw .badRequest("there is no contact \"\(ContactFileLimits.clean(contact))\"; use an id from the contacts search")
                }
                if !state.favorites.contains(contact) {
                    state.favorites.append(contact)
                    effects.append(.favoritesChanged(agent: agent))
                }
            } else if state.favorites.contains(contact) {
                state.favorites.removeAll { $0 == contact }
                effects.append(.favoritesChanged(agent: agent))
            }
        }
        states[agent] = state
        return effects
    }

    private static func acdCommand(_ command: AgentCommand) -> ACDCommand {
        switch command {
        case .login: .login
        case .logout: .logout
        case .ready: .ready
        case .away: .away
        case .endWrap: .endWrap
        case .extendWrap: .extendWrap
        case .queue, .presence, .mode, .dnd, .forward, .favorite:
            preconditionFailure("not an ACD command: \(command)")
        }
    }
}
