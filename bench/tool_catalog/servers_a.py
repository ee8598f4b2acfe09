# ruff: noqa: E501
"""Tool lists modelled on real MCP servers (part A: code, files, chat, databases, browsers, infra).

One line per tool: `name | description | param: description; param#int: description; ...`
(`#int`, `#bool`, `#list`, `#obj` give a parameter's JSON type; the default is string).
Written by hand for the tool-search benchmark; descriptions follow the style of the servers' own.
"""

SERVERS_A: dict[str, str] = {
    "filesystem": """
read_text_file | Read the complete contents of a file from the file system as text. Handles various text encodings. Only works within allowed directories. | path: path of the file; head#int: only the first N lines; tail#int: only the last N lines
read_media_file | Read an image or audio file and return base64 data with its MIME type. | path: path of the media file
read_multiple_files | Read the contents of several files at once, more efficient than reading one by one. Failed reads do not stop the whole operation. | paths#list: the file paths
write_file | Create a new file or completely overwrite an existing file with new content. Use with caution. | path: destination path; content: text to write
edit_file | Make line-based edits to a text file; each edit replaces exact line sequences with new content. Returns a git-style diff. | path: file to edit; edits#list: oldText/newText pairs; dryRun#bool: preview changes only
create_directory | Create a new directory or ensure a directory exists, including nested directories. | path: directory path
list_directory | Get a detailed listing of all files and directories in a specified path, marked [FILE] or [DIR]. | path: directory path
list_directory_with_sizes | List files and directories in a path together with their sizes, sortable by name or size. | path: directory path; sortBy: name or size
directory_tree | Get a recursive tree view of files and directories as a JSON structure. | path: root directory; excludePatterns#list: glob patterns to skip
move_file | Move or rename files and directories; fails if the destination exists. | source: current path; destination: new path
search_files | Recursively search for files and directories matching a glob pattern. | path: start directory; pattern: glob pattern; excludePatterns#list: patterns to skip
get_file_info | Retrieve detailed metadata about a file or directory: size, creation time, last modified time, permissions and type. | path: file or directory
list_allowed_directories | Returns the list of directories this server is allowed to access. |
""",
    "git": """
git_status | Shows the working tree status. | repo_path: path to the Git repository
git_diff_unstaged | Shows changes in the working directory that are not yet staged. | repo_path: repository; context_lines#int: lines of context
git_diff_staged | Shows changes that are staged for commit. | repo_path: repository; context_lines#int: lines of context
git_diff | Shows differences between the working tree and a branch or commit. | repo_path: repository; target: branch or commit to compare with
git_commit | Records changes to the repository with a message. | repo_path: repository; message: commit message
git_add | Adds file contents to the staging area. | repo_path: repository; files#list: files to stage
git_reset | Unstages all staged changes. | repo_path: repository
git_log | Shows the commit logs, optionally between two dates. | repo_path: repository; max_count#int: number of commits; start_timestamp: since; end_timestamp: until
git_create_branch | Creates a new branch from an optional base branch. | repo_path: repository; branch_name: new branch; base_branch: starting point
git_checkout | Switches branches. | repo_path: repository; branch_name: branch to switch to
git_show | Shows the contents of a commit. | repo_path: repository; revision: commit hash or ref
git_branch | List Git branches, local, remote or all, optionally only those containing a commit. | repo_path: repository; branch_type: local, remote or all; contains: commit sha
git_stash | Stash the current uncommitted changes away, or pop the latest stash back. | repo_path: repository; action: push, pop or list
git_blame | Show which commit and author last modified each line of a file. | repo_path: repository; file_path: file to annotate
""",
    "github": """
search_repositories | Search for GitHub repositories by keyword, language or topic. | query: search query; page#int: page number; perPage#int: results per page
create_repository | Create a new GitHub repository in your account. | name: repository name; description: repository description; private#bool: whether private; autoInit#bool: initialise with a README
fork_repository | Fork a GitHub repository to your account or an organization. | owner: repository owner; repo: repository name; organization: target organization
get_file_contents | Get the contents of a file or directory from a GitHub repository. | owner: owner; repo: repository; path: file path; branch: branch to read from
create_or_update_file | Create or update a single file in a GitHub repository with a commit. | owner: owner; repo: repository; path: file path; content: new content; message: commit message; branch: branch; sha: blob sha of the file being replaced
push_files | Push multiple files to a GitHub repository in a single commit. | owner: owner; repo: repository; branch: branch; files#list: path and content pairs; message: commit message
delete_file | Delete a file from a GitHub repository with a commit. | owner: owner; repo: repository; path: file path; message: commit message; branch: branch
create_branch | Create a new branch in a GitHub repository. | owner: owner; repo: repository; branch: new branch name; from_branch: source branch
list_branches | List branches in a GitHub repository. | owner: owner; repo: repository
list_commits | Get the list of commits of a branch in a GitHub repository. | owner: owner; repo: repository; sha: branch or commit; author: filter by author
get_commit | Get details of a commit including its diff and changed files. | owner: owner; repo: repository; sha: commit sha
list_tags | List git tags in a GitHub repository. | owner: owner; repo: repository
list_releases | List the releases of a GitHub repository. | owner: owner; repo: repository
create_release | Create a release from a tag with release notes. | owner: owner; repo: repository; tag_name: tag; name: release title; body: release notes; draft#bool: draft release
create_issue | Create a new issue in a GitHub repository. | owner: owner; repo: repository; title: issue title; body: issue body; labels#list: labels; assignees#list: assignees
get_issue | Get details of a specific issue in a GitHub repository. | owner: owner; repo: repository; issue_number#int: issue number
list_issues | List issues in a GitHub repository with filtering options. | owner: owner; repo: repository; state: open, closed or all; labels#list: labels; since: updated since
update_issue | Update an existing issue: title, body, state, labels, assignees or milestone. | owner: owner; repo: repository; issue_number#int: issue number; state: open or closed; title: new title
add_issue_comment | Add a comment to an existing issue or pull request. | owner: owner; repo: repository; issue_number#int: issue number; body: comment text
search_issues | Search for issues and pull requests across GitHub repositories. | q: search query; sort: comments, reactions or created; order: asc or desc
search_code | Search for code across GitHub repositories. | q: code search query; page#int: page
search_users | Search for users on GitHub. | q: search query
create_pull_request | Create a new pull request in a GitHub repository. | owner: owner; repo: repository; title: title; head: branch with changes; base: branch to merge into; body: description; draft#bool: draft
get_pull_request | Get details of a specific pull request. | owner: owner; repo: repository; pull_number#int: pull request number
list_pull_requests | List and filter repository pull requests. | owner: owner; repo: repository; state: open, closed or all; base: base branch
get_pull_request_files | Get the list of files changed in a pull request. | owner: owner; repo: repository; pull_number#int: pull request number
get_pull_request_diff | Get the unified diff of a pull request. | owner: owner; repo: repository; pull_number#int: pull request number
get_pull_request_status | Get the combined status of all status checks for a pull request. | owner: owner; repo: repository; pull_number#int: pull request number
get_pull_request_comments | Get the review comments on a pull request. | owner: owner; repo: repository; pull_number#int: pull request number
get_pull_request_reviews | Get the reviews on a pull request. | owner: owner; repo: repository; pull_number#int: pull request number
create_pull_request_review | Create a review on a pull request: approve, request changes or comment. | owner: owner; repo: repository; pull_number#int: number; body: review text; event: APPROVE, REQUEST_CHANGES or COMMENT
merge_pull_request | Merge a pull request. | owner: owner; repo: repository; pull_number#int: number; merge_method: merge, squash or rebase; commit_title: title
update_pull_request_branch | Update a pull request branch with the latest changes from the base branch. | owner: owner; repo: repository; pull_number#int: number
request_copilot_review | Request an automated Copilot code review for a pull request. | owner: owner; repo: repository; pull_number#int: number
list_workflow_runs | List GitHub Actions workflow runs of a repository. | owner: owner; repo: repository; workflow_id: workflow file or id; status: filter by status
get_job_logs | Download the logs of a GitHub Actions job or of every failed job of a run. | owner: owner; repo: repository; run_id#int: workflow run; failed_only#bool: only failed jobs
rerun_failed_jobs | Re-run only the failed jobs of a workflow run. | owner: owner; repo: repository; run_id#int: workflow run
run_workflow | Trigger a workflow_dispatch run of a GitHub Actions workflow. | owner: owner; repo: repository; workflow_id: workflow file; ref: branch or tag; inputs#obj: workflow inputs
list_notifications | List GitHub notifications for the authenticated user. | filter: default, include_read or only_participating; since: since time
dismiss_notification | Mark a notification as read or done. | threadID: notification thread; state: read or done
get_me | Get details of the authenticated GitHub user. |
list_code_scanning_alerts | List code scanning security alerts of a repository. | owner: owner; repo: repository; severity: severity filter
list_secret_scanning_alerts | List leaked secrets found by secret scanning in a repository. | owner: owner; repo: repository; state: open or resolved
list_dependabot_alerts | List Dependabot alerts about vulnerable dependencies in a repository. | owner: owner; repo: repository; severity: severity filter
create_gist | Create a new gist with one or more files. | description: gist description; files#obj: file names and contents; public#bool: public gist
star_repository | Star a GitHub repository. | owner: owner; repo: repository
""",
    "gitlab": """
list_projects | List GitLab projects accessible to the user. | search: filter by name; owned#bool: only owned projects
get_project | Get details of a GitLab project. | project_id: project id or path
create_merge_request | Create a new merge request in a GitLab project. | project_id: project; source_branch: source; target_branch: target; title: title; description: description
list_merge_requests | List merge requests in a GitLab project. | project_id: project; state: opened, closed, merged
get_merge_request_diffs | Get the changes of a merge request. | project_id: project; merge_request_iid#int: merge request
approve_merge_request | Approve a merge request. | project_id: project; merge_request_iid#int: merge request
create_issue | Create a new issue in a GitLab project. | project_id: project; title: title; description: description; labels#list: labels
list_issues | List issues of a GitLab project. | project_id: project; state: opened or closed; labels#list: labels
create_note | Add a comment (note) to a GitLab issue or merge request. | project_id: project; noteable_type: issue or merge_request; noteable_iid#int: item; body: text
list_pipelines | List CI/CD pipelines of a GitLab project. | project_id: project; status: status filter; ref: branch
retry_pipeline | Retry the failed jobs of a GitLab pipeline. | project_id: project; pipeline_id#int: pipeline
get_job_trace | Get the log output of a GitLab CI job. | project_id: project; job_id#int: job
create_wiki_page | Create a wiki page in a GitLab project. | project_id: project; title: page title; content: page content
list_milestones | List the milestones of a GitLab project. | project_id: project; state: active or closed
""",
    "slack": """
slack_list_channels | List public channels in the workspace with pagination. | limit#int: maximum channels; cursor: pagination cursor
slack_post_message | Post a new message to a Slack channel. | channel_id: channel; text: message text
slack_reply_to_thread | Reply to a specific message thread in Slack. | channel_id: channel; thread_ts: timestamp of the parent message; text: reply text
slack_add_reaction | Add a reaction emoji to a message. | channel_id: channel; timestamp: message timestamp; reaction: emoji name without colons
slack_get_channel_history | Get recent messages from a channel. | channel_id: channel; limit#int: number of messages
slack_get_thread_replies | Get all replies in a message thread. | channel_id: channel; thread_ts: timestamp of the parent message
slack_get_users | Get a list of all users in the workspace with their basic profile information. | cursor: pagination cursor; limit#int: maximum users
slack_get_user_profile | Get detailed profile information for a specific user. | user_id: user id
slack_search_messages | Search messages across channels using Slack search syntax. | query: search query; count#int: results
slack_create_channel | Create a new public or private channel. | name: channel name; is_private#bool: private channel
slack_invite_to_channel | Invite users to a channel. | channel_id: channel; user_ids#list: users
slack_set_channel_topic | Set the topic of a channel. | channel_id: channel; topic: new topic
slack_upload_file | Upload a file and share it in channels. | channels#list: channels; content: file content; filename: name; title: title
slack_schedule_message | Schedule a message to be sent to a channel at a later time. | channel_id: channel; text: text; post_at#int: unix time
slack_archive_channel | Archive a channel. | channel_id: channel
slack_set_status | Set the status text and emoji of the current user. | status_text: status; status_emoji: emoji; expiration#int: unix time
""",
    "discord": """
send_message | Send a message to a Discord channel. | channel_id: channel; content: message text
read_messages | Read recent messages from a Discord channel. | channel_id: channel; limit#int: number of messages
add_reaction | Add an emoji reaction to a Discord message. | channel_id: channel; message_id: message; emoji: emoji
list_guild_channels | List the channels of a Discord server (guild). | guild_id: server id
create_thread | Start a thread from a message in a Discord channel. | channel_id: channel; message_id: message; name: thread name
""",
    "teams": """
send_channel_message | Post a message to a Microsoft Teams channel. | team_id: team; channel_id: channel; content: message
list_chats | List the Microsoft Teams chats of the signed-in user. | top#int: how many
send_chat_message | Send a message in a one-to-one or group Teams chat. | chat_id: chat; content: message
list_team_members | List the members of a team. | team_id: team
""",
    "postgres": """
query | Run a read-only SQL query against the PostgreSQL database. | sql: the SQL to run
list_schemas | List all schemas in the database. |
list_objects | List tables, views, sequences or extensions in a schema. | schema_name: schema; object_type: table, view, sequence or extension
get_object_details | Show the columns, constraints and indexes of a table or other database object. | schema_name: schema; object_name: object
explain_query | Explain the execution plan of a SQL query, optionally with hypothetical indexes. | sql: query; analyze#bool: run it for real timings; hypothetical_indexes#list: indexes to simulate
analyze_workload_indexes | Analyze frequently executed queries and recommend indexes. | max_index_size_mb#int: size limit
analyze_db_health | Check database health: index health, vacuum status, buffer cache hit rate, connection counts, replication lag. | health_type: which checks
get_top_queries | Report the slowest or most resource-intensive queries from pg_stat_statements. | sort_by: total_time or mean_time; limit#int: how many
execute_sql | Execute any SQL statement, including writes and schema changes. | sql: the SQL to execute
""",
    "sqlite": """
read_query | Execute a SELECT query on the SQLite database. | query: SELECT statement
write_query | Execute an INSERT, UPDATE or DELETE query on the SQLite database. | query: SQL statement
create_table | Create a new table in the SQLite database. | query: CREATE TABLE statement
list_tables | List all tables in the SQLite database. |
describe_table | Get the schema information of a specific table. | table_name: table
append_insight | Add a business insight to the memo. | insight: the insight text
""",
    "mysql": """
mysql_query | Execute a SQL query on the MySQL server. | sql: statement
mysql_list_databases | List the databases on the MySQL server. |
mysql_list_tables | List tables of a MySQL database. | database: database name
mysql_describe_table | Describe the columns of a MySQL table. | database: database; table: table
""",
    "mongodb": """
find | Run a find query against a MongoDB collection. | database: database; collection: collection; filter#obj: query filter; projection#obj: fields; limit#int: maximum documents; sort#obj: sort order
aggregate | Run an aggregation pipeline against a MongoDB collection. | database: database; collection: collection; pipeline#list: stages
count | Count the documents in a collection matching a filter. | database: database; collection: collection; query#obj: filter
insert_many | Insert an array of documents into a MongoDB collection. | database: database; collection: collection; documents#list: documents
update_many | Update all documents that match a filter. | database: database; collection: collection; filter#obj: filter; update#obj: update operators
delete_many | Remove all documents that match a filter from a collection. | database: database; collection: collection; filter#obj: filter
list_collections | List the collections of a MongoDB database. | database: database
list_databases | List all databases of the MongoDB connection. |
create_index | Create an index on a collection. | database: database; collection: collection; keys#obj: index keys
collection_schema | Describe the schema of a collection by sampling its documents. | database: database; collection: collection
""",
    "redis": """
get | Get the string value of a Redis key. | key: key
set | Set a Redis key to a string value, optionally with an expiration. | key: key; value: value; expiration#int: seconds to live
delete | Delete one or more Redis keys. | keys#list: keys
scan_keys | List Redis keys matching a pattern (SCAN). | pattern: glob pattern; count#int: hint
hset | Set a field in a Redis hash. | name: hash; key: field; value: value
hgetall | Get all fields and values of a Redis hash. | name: hash
lpush | Push a value onto the head of a Redis list. | name: list; value: value
lrange | Get a range of elements from a Redis list. | name: list; start#int: start; stop#int: stop
expire | Set a timeout on a Redis key. | name: key; expire_seconds#int: seconds
publish | Publish a message to a Redis pub/sub channel. | channel: channel; message: message
""",
    "elasticsearch": """
search | Run an Elasticsearch query DSL search against an index. | index: index; query_body#obj: query DSL
list_indices | List all indices of the Elasticsearch cluster. | index_pattern: pattern
get_mappings | Get the field mappings of an Elasticsearch index. | index: index
index_document | Add or replace a document in an index. | index: index; document#obj: document; id: document id
delete_index | Delete an Elasticsearch index. | index: index
cluster_health | Get the health status of the Elasticsearch cluster. |
""",
    "playwright": """
browser_navigate | Navigate the browser to a URL. | url: the URL to open
browser_navigate_back | Go back to the previous page. |
browser_snapshot | Capture an accessibility snapshot of the current page; better than a screenshot for acting on it. |
browser_click | Perform a click on an element of the web page. | element: human-readable element description; ref: exact element reference from the snapshot; doubleClick#bool: double click; button: left, right or middle
browser_type | Type text into an editable element. | element: element description; ref: element reference; text: text to type; submit#bool: press Enter after
browser_fill_form | Fill several form fields at once. | fields#list: name, type, ref and value of each field
browser_select_option | Select an option in a dropdown. | element: element description; ref: element reference; values#list: values to select
browser_hover | Hover the mouse over an element of the page. | element: element description; ref: element reference
browser_drag | Perform drag and drop between two elements. | startElement: source element; startRef: source reference; endElement: target element; endRef: target reference
browser_press_key | Press a key on the keyboard. | key: name of the key, such as ArrowLeft, or a character
browser_take_screenshot | Take a screenshot of the current page or an element as a PNG or JPEG image. | type: png or jpeg; filename: file to save to; fullPage#bool: whole scrollable page
browser_console_messages | Return all console messages of the page. | onlyErrors#bool: only errors
browser_network_requests | Return all network requests made since loading the page. |
browser_evaluate | Evaluate a JavaScript expression on the page or an element. | function: JavaScript function source; ref: element reference
browser_file_upload | Upload one or more files through a file chooser. | paths#list: absolute paths of the files
browser_handle_dialog | Accept or dismiss a dialog such as an alert, confirm or prompt. | accept#bool: accept the dialog; promptText: text for a prompt
browser_tabs | List, create, close or select a browser tab. | action: list, new, close or select; index#int: tab index
browser_close | Close the page. |
browser_resize | Resize the browser window. | width#int: width; height#int: height
browser_wait_for | Wait for text to appear or disappear, or for a time to pass. | text: text to wait for; textGone: text to wait to disappear; time#int: seconds
browser_pdf_save | Save the page as a PDF. | filename: file name
""",
    "fetch": """
fetch | Fetch a URL from the internet and extract its contents as markdown. | url: URL to fetch; max_length#int: maximum characters; start_index#int: start offset; raw#bool: raw HTML
""",
    "brave_search": """
brave_web_search | Perform a web search using the Brave Search API, for general queries, news, articles and online content. | query: search query; count#int: results; offset#int: pagination offset
brave_local_search | Search for local businesses and places using Brave's Local Search API: addresses, ratings, opening hours. | query: local search query; count#int: results
brave_news_search | Search recent news articles. | query: query; freshness: time window
brave_image_search | Search for images on the web. | query: query; count#int: results
""",
    "firecrawl": """
firecrawl_scrape | Scrape content from a single URL with advanced options, returning markdown or HTML. | url: page; formats#list: markdown, html, links or screenshot; onlyMainContent#bool: main content only
firecrawl_map | Discover all indexed URLs of a website. | url: site; search: filter URLs; limit#int: maximum URLs
firecrawl_crawl | Start an asynchronous crawl of multiple pages from a starting URL. | url: start URL; maxDepth#int: link depth; limit#int: maximum pages
firecrawl_extract | Extract structured information from web pages using an LLM and a JSON schema. | urls#list: pages; prompt: what to extract; schema#obj: JSON schema of the result
firecrawl_search | Search the web and optionally scrape the result pages. | query: query; limit#int: results
""",
    "kubernetes": """
pods_list | List all Kubernetes pods in the cluster or a namespace. | namespace: namespace; labelSelector: label selector
pods_get | Get a Kubernetes pod by name. | namespace: namespace; name: pod name
pods_log | Get the logs of a Kubernetes pod. | namespace: namespace; name: pod; container: container; tail#int: last lines; previous#bool: logs of the previous instance
pods_delete | Delete a Kubernetes pod. | namespace: namespace; name: pod
pods_exec | Execute a command in a Kubernetes pod container. | namespace: namespace; name: pod; command#list: command and arguments; container: container
pods_top | List resource consumption (CPU and memory) of pods. | namespace: namespace
pods_run | Run a Kubernetes pod with the provided container image. | namespace: namespace; image: container image; name: pod name; port#int: port to expose
deployments_list | List the deployments of a namespace. | namespace: namespace
deployment_scale | Scale a deployment to a number of replicas. | namespace: namespace; name: deployment; replicas#int: desired replicas
rollout_restart | Restart a deployment by rolling out new pods. | namespace: namespace; name: deployment
rollout_status | Show the status of a deployment rollout. | namespace: namespace; name: deployment
rollout_undo | Roll back a deployment to its previous revision. | namespace: namespace; name: deployment; to_revision#int: revision
services_list | List the services of a namespace. | namespace: namespace
port_forward | Forward a local port to a port of a pod or service. | namespace: namespace; resource: pod or service; local_port#int: local; remote_port#int: remote
resources_create_or_update | Create or update a Kubernetes resource from a YAML or JSON manifest (kubectl apply). | resource: manifest
resources_get | Get any Kubernetes resource by apiVersion, kind and name. | apiVersion: api version; kind: kind; namespace: namespace; name: name
resources_delete | Delete any Kubernetes resource by apiVersion, kind and name. | apiVersion: api version; kind: kind; namespace: namespace; name: name
events_list | List the Kubernetes events of the cluster or a namespace for debugging. | namespace: namespace
namespaces_list | List all namespaces of the cluster. |
nodes_list | List the nodes of the cluster with their status. |
nodes_top | Show CPU and memory usage of the cluster nodes. |
node_cordon | Mark a node unschedulable, optionally draining its pods. | name: node; drain#bool: evict pods too
configmaps_get | Read a ConfigMap. | namespace: namespace; name: configmap
secrets_list | List the secrets of a namespace (names and types only). | namespace: namespace
helm_install | Install a Helm chart as a release. | chart: chart reference; name: release name; namespace: namespace; values#obj: values
helm_list | List the Helm releases of the cluster. | namespace: namespace; all_namespaces#bool: all namespaces
helm_upgrade | Upgrade a Helm release to a new chart version or values. | name: release; chart: chart; values#obj: values
helm_uninstall | Uninstall a Helm release. | name: release; namespace: namespace
""",
    "docker": """
list_containers | List Docker containers, running or all. | all#bool: include stopped containers
run_container | Create and start a new Docker container from an image. | image: image; name: container name; ports#obj: port mappings; environment#obj: variables; detach#bool: run in background
stop_container | Stop a running container. | container_id: container
remove_container | Remove a container. | container_id: container; force#bool: force removal
fetch_container_logs | Fetch the logs of a container. | container_id: container; tail#int: last lines
inspect_container | Show the low-level configuration and state of a container. | container_id: container
exec_in_container | Run a command inside a running container. | container_id: container; command: command
list_images | List local Docker images. |
pull_image | Pull an image from a registry. | repository: image repository; tag: tag
build_image | Build an image from a Dockerfile. | path: build context; tag: image tag; dockerfile: Dockerfile path
remove_image | Remove a local image. | image: image; force#bool: force
push_image | Push an image to a registry. | repository: image; tag: tag
list_volumes | List Docker volumes. |
create_network | Create a Docker network. | name: network name; driver: network driver
compose_up | Start the services of a docker compose project. | project_dir: project directory; services#list: services
compose_down | Stop and remove the containers of a docker compose project. | project_dir: project directory; volumes#bool: remove volumes
""",
    "terraform": """
terraform_plan | Show the execution plan of a Terraform configuration. | working_dir: configuration directory; var_file: variables file
terraform_apply | Apply a Terraform configuration to create or change infrastructure. | working_dir: directory; auto_approve#bool: skip approval
terraform_state_list | List the resources in the Terraform state. | working_dir: directory
terraform_validate | Validate the syntax of a Terraform configuration. | working_dir: directory
search_modules | Search the Terraform registry for modules. | query: query
get_provider_docs | Get the documentation of a Terraform provider resource. | provider: provider; resource: resource type
""",
    "aws": """
s3_list_buckets | List the S3 buckets of the AWS account. |
s3_list_objects | List the objects in an S3 bucket under a prefix. | bucket: bucket; prefix: key prefix; max_keys#int: maximum keys
s3_get_object | Download an object from S3. | bucket: bucket; key: object key
s3_put_object | Upload an object to S3. | bucket: bucket; key: object key; body: content
s3_delete_object | Delete an object from S3. | bucket: bucket; key: object key
s3_presigned_url | Create a pre-signed URL that gives temporary access to an S3 object. | bucket: bucket; key: key; expires_in#int: seconds
ec2_describe_instances | Describe EC2 instances and their states. | instance_ids#list: instances; filters#list: filters
ec2_start_instances | Start stopped EC2 instances. | instance_ids#list: instances
ec2_stop_instances | Stop running EC2 instances. | instance_ids#list: instances
lambda_list_functions | List the Lambda functions of the account. | region: region
lambda_invoke | Invoke a Lambda function with a payload. | function_name: function; payload#obj: event payload
cloudwatch_get_metric_data | Get CloudWatch metric statistics over a time range. | namespace: metric namespace; metric_name: metric; dimensions#list: dimensions; start_time: start; end_time: end; period#int: seconds
cloudwatch_logs_filter | Search CloudWatch log events in a log group with a filter pattern. | log_group: log group; filter_pattern: pattern; start_time: start
dynamodb_query | Query items of a DynamoDB table by key condition. | table: table; key_condition: condition; values#obj: expression values
dynamodb_put_item | Put an item into a DynamoDB table. | table: table; item#obj: item
iam_list_users | List the IAM users of the account. |
sqs_send_message | Send a message to an SQS queue. | queue_url: queue; body: message body
sqs_receive_message | Receive messages from an SQS queue. | queue_url: queue; max_messages#int: how many
cost_explorer_get_cost | Get AWS cost and usage over a period, grouped by service. | start: start date; end: end date; granularity: DAILY or MONTHLY; group_by: dimension
route53_list_records | List the DNS records of a Route 53 hosted zone. | zone_id: hosted zone
""",
    "cloudflare": """
workers_list | List the Cloudflare Workers of the account. |
worker_get_code | Get the source code of a Cloudflare Worker. | name: worker
kv_namespaces_list | List Workers KV namespaces. |
kv_get | Read a value from Workers KV. | namespace_id: namespace; key: key
kv_put | Write a value to Workers KV. | namespace_id: namespace; key: key; value: value
d1_query | Run a SQL query against a Cloudflare D1 database. | database_id: database; sql: SQL
r2_buckets_list | List R2 storage buckets. |
zones_list | List the DNS zones (domains) of the account. |
dns_records_list | List DNS records of a zone. | zone_id: zone
purge_cache | Purge cached files of a zone. | zone_id: zone; files#list: URLs to purge; everything#bool: purge everything
""",
    "vercel": """
list_deployments | List the deployments of a Vercel project. | project_id: project; state: READY, ERROR or BUILDING
get_deployment_build_logs | Get the build logs of a Vercel deployment. | deployment_id: deployment
deploy_project | Create a new deployment of a Vercel project. | project_id: project; target: production or preview
list_domains | List the domains of a Vercel account. |
set_env_var | Create or update an environment variable of a Vercel project. | project_id: project; key: name; value: value; target#list: environments
""",
}
