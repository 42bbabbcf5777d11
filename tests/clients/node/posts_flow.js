// Drives a post's life through the official JavaScript client, Client4:
// log in, post, read, patch, react, list, delete. Prints one JSON line of what it saw;
// any failure exits non-zero with the error.
// Usage: node posts_flow.js <server url> <login id> <password> <channel id>
const { Client4 } = require('@mattermost/client');

async function main() {
    const [url, loginId, password, channelId] = process.argv.slice(2);
    const client = new Client4();
    client.setUrl(url);
    const me = await client.login(loginId, password);
    const created = await client.createPost({ channel_id: channelId, message: 'hello from Client4' });
    const read = await client.getPost(created.id);
    const patched = await client.patchPost({ id: created.id, message: 'edited by Client4' });
    const reaction = await client.addReaction(me.id, created.id, 'thumbsup');
    const reactions = await client.getReactionsForPost(created.id);
    const list = await client.getPosts(channelId, 0, 30);
    await client.removeReaction(me.id, created.id, 'thumbsup');
    const deleted = await client.deletePost(created.id);
    console.log(JSON.stringify({
        me: me.id,
        created: { id: created.id, message: created.message, channel_id: created.channel_id },
        read: read.message,
        patched: { message: patched.message, edit_at: patched.edit_at },
        reaction: reaction.emoji_name,
        reactions: reactions.map((r) => r.emoji_name),
        listed: list.order.includes(created.id),
        deleted,
    }));
}

main().catch((error) => {
    console.error(error && (error.stack || JSON.stringify(error)));
    process.exit(1);
});
