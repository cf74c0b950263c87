from tests.client import BoardClient, facilitator, join


async def test_two_clients_converge(server):
    """A note added by one client reaches the other, and both replicas end equal."""
    alice, created = await facilitator(server)
    joined = await join(server.base, created["code"], "Bob")
    bob = BoardClient(server.ws_url, joined["workshop"], joined["token"])
    await bob.connect()
    ack = await alice.call(
        {"type": "note.add", **alice.cell(), "text": "Hello", "channel": "email"}
    )
    assert ack["type"] == "ack"
    await bob.wait_for(lambda c: c.seq >= ack["seq"])
    assert alice.workshop == bob.workshop
    assert any(n.text == "Hello" for n in bob.workshop.notes.values())
    await alice.close()
    await bob.close()
