import Foundation

extension AgentDesk {
    /// Takes an external ACD's offer: the agent's next alerting call from that number (within the offer's life,
    /// at most `maximumOfferLifetime`) is tagged with the queue and route path. An offer that arrives just after
    /// the call started ringing tags that call.
    public mutating func offer(_ offer: ACDOffer, now: Date) -> Result<[DeskEffect], AgentCommandError> {
        guard definitions[offer.agent] != nil else {
            return .failure(AgentCommandError(.unknownAgent, "there is no agent \"\(offer.agent)\""))
        }
        guard queues[offer.queue] != nil else {
            return .failure(.badRequest("there is no queue \"\(offer.queue)\""))
        }
        var offer = offer
        offer.expiresAt = min(offer.expiresAt, now.addingTimeInterval(Self.maximumOfferLifetime))
        guard offer.expiresAt > now else { return .failure(.badRequest("the offer expired at \(offer.expiresAt)")) }
        offer.remote = offer.remote.map { normalizer.normalize($0) ?? ContactFileLimits.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        offer.routePath = offer.routePath.map(ContactFileLimits.clean).flatMap { $0.isEmpty ? nil : $0 }
        pruneOffers(now: now)

        let baseline = baseline(for: [offer.agent])
        if var live = book.calls(ofAgent: offer.agent).first(where: { live in
            live.call.direction == .inbound && live.call.answeredAt == nil && live.call.queue == nil
                && now.timeIntervalSince(live.call.startedAt) <= Self.ringMergeWindow
                && (offer.remote == nil || offer.remote == live.call.remote.number)
        }) {
            live.call.queue = offer.queue
            live.call.routePath = offer.routePath
            book.store(live)
            return .success([.callChanged(live.call)] + changes(since: baseline, now: now))
        }
        offers.append(offer)
        return .success([])
    }

    /// Removes and returns the first live offer for the agent that matches the caller's number.
    mutating func takeOffer(agent: String, number: String, now: Date) -> ACDOffer? {
        pruneOffers(now: now)
        guard let index = offers.firstIndex(where: { $0.agent == agent && ($0.remote == nil || $0.remote == number) }) else {
            return nil
        }
        return offers.remove(at: index)
    }

    mutating func pruneOffers(now: Date) {
        offers.removeAll { $0.expiresAt <= now }
    }
}
