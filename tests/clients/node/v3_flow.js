// The classic v3 JavaScript client (npm mattermost@3.4.0) through a whole session:
// sign up, log in, create a team and a channel, post, list, edit, delete, log out.
// Usage: node v3_flow.js <server url> <username> <email> <password>
// Prints one JSON line with what the client saw; exits 1 on the first error.
"use strict";

const { Client } = require("mattermost");

const [url, username, email, password] = process.argv.slice(2);

const client = new Client();
client.setUrl(url);
client.useHeaderToken();

// The client is callback-style: success(data, res) / error(err).
function call(method, ...args) {
  return new Promise((resolve, reject) => {
    client[method](
      ...args,
      (data) => resolve(data),
      (err) => reject(new Error(`${method}: ${JSON.stringify(err)}`)),
    );
  });
}

async function main() {
  const seen = {};
  const created = await call("createUser", { username, email, password });
  seen.user = created.id;
  const me = await call("login", email, password, "");
  seen.logged_in = me.id;
  seen.token = client.token.length;
  seen.server_version = client.getServerVersion();

  const team = await call("createTeam", {
    name: "classic",
    display_name: "Classic",
    type: "O",
  });
  client.setTeamId(team.id);
  seen.team = team.name;

  const channel = await call("createChannel", {
    name: "old-school",
    display_name: "Old School",
    type: "O",
    team_id: team.id,
  });
  seen.channel = channel.name;

  const post = await call("createPost", {
    channel_id: channel.id,
    message: "hello from the v3 client",
    pending_post_id: `${me.id}:12345`,
  });
  seen.posted = { message: post.message, pending_post_id: post.pending_post_id };

  const page = await call("getPostsPage", channel.id, 0, 60);
  seen.listed = page.order.includes(post.id);

  const thread = await call("getPost", channel.id, post.id);
  seen.read = thread.posts[post.id].message;

  const edited = await call("updatePost", {
    id: post.id,
    channel_id: channel.id,
    message: "edited by the v3 client",
  });
  seen.edited = edited.message;

  const deleted = await call("deletePost", channel.id, post.id);
  seen.deleted = deleted.id;

  const after = await call("getPostsPage", channel.id, 0, 60);
  seen.listed_after_delete = after.order.includes(post.id);

  const out = await call("logout");
  seen.logged_out = out.user_id;

  try {
    await call("getMe");
    seen.me_after_logout = "still logged in";
  } catch (err) {
    seen.me_after_logout = "refused";
  }
  console.log(JSON.stringify(seen));
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
